import Foundation
import Logging
import SQLKit
@testable import Storage
import Testing

/// What only the PostgreSQL backend promises beyond the conformance suite: the schema version
/// guard, transaction retries and error classification, TLS, clear connection failures, and a
/// password that stays out of logs. (Concurrency: `PostgresConcurrencyTests`.)
///
/// Skipped, with the reason in the test report, unless `WECHAT_OIDC_TEST_POSTGRES_URL` is set.
@Suite(.serialized, .enabled(if: PostgresTestDatabase.isConfigured, postgresSkipReason))
struct PostgresBackendTests {
    let logger = PostgresTestDatabase.logger

    // MARK: The schema version

    @Test func aSchemaNewerThanThisProgramIsRefused() async throws {
        try await PostgresTestDatabase.withFreshSchema { url, _ in
            let report = try await SQLStores.migrate(databaseURL: url, logger: logger)
            let known = Migrations.all.map(\.version).max() ?? 0
            #expect(report.applied.map(\.version) == Migrations.all.map(\.version))
            #expect(report.schemaVersion == known)
            #expect(report.knownVersion == known)
            #expect(try await SQLStores.migrate(databaseURL: url, logger: logger).applied.isEmpty)

            try await PostgresTestDatabase.admin(url) { database in
                try await database.insert(into: Migrator.tableName).columns("version", "name", "applied_at")
                    .values(known + 1, "from a newer release", 0).run()
            }
            for attempt in ["open", "migrate"] {
                do {
                    if attempt == "open" {
                        let stores = try await SQLStores.open(databaseURL: url, logger: logger)
                        try await stores.shutdown()
                    } else {
                        _ = try await SQLStores.migrate(databaseURL: url, logger: logger)
                    }
                    Issue.record("\(attempt) accepted a schema newer than this program")
                } catch let error as StorageError {
                    #expect(error.isIncompatibleSchema)
                    #expect(error.detail.contains("at version \(known + 1)"), "\(error.detail)")
                    #expect(error.detail.contains("up to version \(known)"), "\(error.detail)")
                }
            }
        }
    }

    // MARK: Transactions and errors

    @Test func serializationFailuresAreRetriedThenReportedClearly() async throws {
        let executor = try await PostgresTestDatabase.openExecutor(try PostgresTestDatabase.requireURL())
        let raise = "DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = 'serialization_failure'; END $$"

        // Fails twice, then succeeds: the caller sees only the success.
        let attempts = Counter()
        let value = try await executor.transaction { database in
            if attempts.increment() < 3 {
                try await database.raw(SQLQueryString(raise)).run()
            }
            return 42
        }
        #expect(value == 42)
        #expect(attempts.value == 3)

        // Always fails: given up after the last attempt, with a clear message.
        let forever = Counter()
        let error = await #expect(throws: StorageError.self) {
            _ = try await executor.transaction { database in
                forever.increment()
                try await database.raw(SQLQueryString(raise)).run()
            }
        }
        #expect(forever.value == PostgresExecutor.maximumTransactionAttempts)
        #expect(error?.isBackend == true)
        #expect(error?.detail.contains("SQLSTATE 40001") == true)
        #expect(error?.detail.contains("try again") == true)
        #expect(error?.detail.contains("gave up after \(PostgresExecutor.maximumTransactionAttempts) attempts") == true,
                "\(error?.detail ?? "")")

        // Single statements outside transactions are never run twice.
        let once = Counter()
        await #expect(throws: StorageError.self) {
            _ = try await executor.run { database in
                once.increment()
                try await database.raw(SQLQueryString(raise)).run()
            }
        }
        #expect(once.value == 1)
        try await executor.close()
    }

    @Test func aUniqueViolationIsAConflictAndOtherErrorsNameTheirSQLState() async throws {
        try await PostgresTestDatabase.withFreshSchema { url, _ in
            let executor = try await PostgresTestDatabase.openExecutor(url)
            try await Migrator(executor: executor, logger: logger).migrate()
            let insert = "INSERT INTO clients (id, name, redirect_uris, auth_method, created_at, updated_at) "
                + "VALUES ('rp', 'RP', '[]', 'none', 0, 0)"
            try await executor.run { try await $0.raw(SQLQueryString(insert)).run() }
            let duplicate = await #expect(throws: StorageError.self) {
                try await executor.run { try await $0.raw(SQLQueryString(insert)).run() }
            }
            let missing = await #expect(throws: StorageError.self) {
                try await executor.run { try await $0.raw("SELECT * FROM no_such_table").run() }
            }
            try await executor.close()
            #expect(duplicate?.isConflict == true)
            #expect(missing?.isBackend == true)
            #expect(missing?.detail.contains("SQLSTATE 42P01") == true, "\(missing?.detail ?? "")")
        }
    }

    @Test func shutdownIsFinalAndIdempotent() async throws {
        try await PostgresTestDatabase.withFreshSchema { url, _ in
            let stores = try await SQLStores.open(databaseURL: url, logger: logger)
            try await stores.shutdown()
            try await stores.shutdown()
            let error = await #expect(throws: StorageError.self) { _ = try await stores.clients.list() }
            #expect(error?.isBackend == true)
        }
    }

    // MARK: Connections

    @Test func sslmodeDecidesWhetherTheConnectionIsEncrypted() async throws {
        let base = try PostgresTestDatabase.requireURL()
        let disabled = try await PostgresTestDatabase.openExecutor(PostgresTestDatabase.url(base, adding: "sslmode=disable"))
        let serverHasTLS = try await disabled.run { database in
            try await database.raw("SHOW ssl").first().map { try $0.decode(column: "ssl", as: String.self) } == "on"
        }
        let plainIsEncrypted = try await isEncrypted(disabled)
        try await disabled.close()
        #expect(plainIsEncrypted == false)

        let requireURL = PostgresTestDatabase.url(base, adding: "sslmode=require")
        if serverHasTLS {
            let required = try await PostgresTestDatabase.openExecutor(requireURL)
            let encrypted = try await isEncrypted(required)
            try await required.close()
            #expect(encrypted)
            // The test server's certificate is self-signed: verify-full must refuse it.
            let error = await #expect(throws: StorageError.self) {
                _ = try await PostgresTestDatabase.openExecutor(PostgresTestDatabase.url(base, adding: "sslmode=verify-full"))
            }
            #expect(error?.detail.hasPrefix("cannot connect to PostgreSQL") == true, "\(error?.detail ?? "")")
        } else {
            let error = await #expect(throws: StorageError.self) {
                _ = try await PostgresTestDatabase.openExecutor(requireURL)
            }
            #expect(error?.detail.hasPrefix("cannot connect to PostgreSQL") == true, "\(error?.detail ?? "")")
        }
    }

    @Test func aWrongPasswordFailsAtOnceWithTheServersReasonAndWithoutThePassword() async throws {
        guard case .postgres(var location) = try DatabaseLocation.parse(try PostgresTestDatabase.requireURL()) else {
            Issue.record("not a postgres URL")
            return
        }
        location.password = "not-the-password-9f8e7d"
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: StorageError.self) {
            _ = try await SQLStores.open(databaseURL: url(of: location), logger: logger)
        }
        #expect(clock.now - start < .seconds(5))
        #expect(error?.detail.contains("password authentication failed") == true, "\(error?.detail ?? "")")
        #expect(error?.detail.contains("not-the-password-9f8e7d") == false)
    }

    @Test func aMissingSchemaIsNamed() async throws {
        let url = PostgresTestDatabase.url(try PostgresTestDatabase.requireURL(), adding: "schema=no_such_schema_here")
        let error = await #expect(throws: StorageError.self) {
            _ = try await SQLStores.open(databaseURL: url, logger: logger)
        }
        #expect(error?.detail.contains("schema 'no_such_schema_here' does not exist") == true, "\(error?.detail ?? "")")
    }

    @Test func thePasswordNeverReachesTheLogs() async throws {
        let base = try PostgresTestDatabase.requireURL()
        guard case .postgres(let location) = try DatabaseLocation.parse(base), let password = location.password else {
            Issue.record("the test URL has no password to look for")
            return
        }
        let captured = CapturedLogs()
        var logger = Logger(label: "capture") { _ in CapturingLogHandler(logs: captured) }
        logger.logLevel = .trace
        try await PostgresTestDatabase.withFreshSchema { url, _ in
            let stores = try await SQLStores.open(databaseURL: url, logger: logger)
            try await stores.clients.create(PostgresFixtures.client("rp"))
            _ = try await stores.clients.list()
            try await stores.shutdown()
        }
        let lines = captured.lines
        #expect(!lines.isEmpty)
        #expect(!lines.contains { $0.contains(password) })
    }

    // MARK: Helpers

    private func isEncrypted(_ executor: PostgresExecutor) async throws -> Bool {
        try await executor.run { database in
            try await database.raw("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first()
                .map { try $0.decode(column: "ssl", as: Bool.self) } ?? false
        }
    }

    private func url(of location: PostgresLocation) -> String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = location.username
        components.password = location.password
        components.host = location.host
        components.port = location.port
        components.path = "/" + location.database
        return components.string ?? ""
    }
}
