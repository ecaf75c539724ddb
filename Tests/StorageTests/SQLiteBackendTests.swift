import Foundation
import Logging
import SQLKit
@testable import Storage
import Testing

/// What only the SQLite backend promises: pragmas, migrations, sharing a file between processes.
@Suite struct SQLiteBackendTests {
    let logger = Logger(label: "storage-tests")

    @Test func opensWithWALAndTheOtherPragmas() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let executor = try await SQLiteExecutor.open(.file(path: directory.path("db.sqlite")), logger: logger)
        let journalMode = try await pragma("journal_mode", on: executor)
        let synchronous = try await pragma("synchronous", on: executor)
        let foreignKeys = try await pragma("foreign_keys", on: executor)
        let busyTimeout = try await pragma("busy_timeout", on: executor)
        try await executor.close()
        #expect(journalMode == "wal")
        #expect(synchronous == "1")  // NORMAL
        #expect(foreignKeys == "1")
        #expect(busyTimeout == "\(SQLiteExecutor.busyTimeoutMilliseconds)")
    }

    @Test func createsMissingParentDirectories() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("a/b/c/db.sqlite")
        let stores = try await SQLStores.open(databaseURL: "sqlite://" + path, logger: logger)
        try await stores.shutdown()
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func migrationsAreAppliedOnceAndReopeningIsIdempotent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = SQLiteLocation.file(path: directory.path("db.sqlite"))
        let now = Date(timeIntervalSince1970: 1_750_000_000)

        let first = try await SQLiteExecutor.open(location, logger: logger)
        #expect(try await Migrator(executor: first, logger: logger).migrate(now: now) == Migrations.all.map(\.version))
        #expect(try await Migrator(executor: first, logger: logger).migrate(now: now.addingTimeInterval(5)) == [])
        try await first.close()

        let stores = try await SQLStores.open(databaseURL: location.path, logger: logger)
        try await stores.shutdown()

        let second = try await SQLiteExecutor.open(location, logger: logger)
        let rows = try await second.run { database in
            try await database.select().columns("version", "name", "applied_at").from("schema_migrations")
                .all().map { row in
                    (try row.decode(column: "version", as: Int.self), try row.decode(column: "name", as: String.self),
                     try row.decode(column: "applied_at", as: Int64.self))
                }
        }
        try await second.close()
        #expect(rows.map(\.0) == Migrations.all.map(\.version))
        #expect(rows.first?.0 == 1)
        #expect(rows.first?.1 == "initial schema")
        #expect(rows.first?.2 == 1_750_000_000_000)
    }

    @Test func aSchemaNewerThanThisProgramIsRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("db.sqlite")
        let report = try await SQLStores.migrate(databaseURL: path, logger: logger)
        let known = Migrations.all.map(\.version).max() ?? 0
        #expect(report.applied.map(\.version) == Migrations.all.map(\.version))
        #expect(report.schemaVersion == known)
        #expect(try await SQLStores.migrate(databaseURL: path, logger: logger).applied.isEmpty)

        let executor = try await SQLiteExecutor.open(.file(path: path), logger: logger)
        try await executor.run { database in
            try await database.insert(into: Migrator.tableName).columns("version", "name", "applied_at")
                .values(known + 1, "from a newer release", 0).run()
        }
        try await executor.close()

        let error = await #expect(throws: StorageError.self) {
            let stores = try await SQLStores.open(databaseURL: path, logger: logger)
            try await stores.shutdown()
        }
        #expect(error?.isIncompatibleSchema == true)
        #expect(error?.detail.contains("at version \(known + 1)") == true, "\(error?.detail ?? "")")
        #expect(error?.detail.contains("up to version \(known)") == true, "\(error?.detail ?? "")")
    }

    @Test func concurrentOpensOfANewFileAllSucceedAndMigrateOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("db.sqlite")
        let logger = self.logger
        // Every open's outcome is collected, so stores that did open are always shut down (sqlite-nio
        // asserts on a connection released while open) even when another open fails.
        let outcomes = await withTaskGroup(of: Result<Stores, any Error>.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do { return .success(try await SQLStores.open(databaseURL: path, logger: logger)) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: [Result<Stores, any Error>]()) { $0.append($1) }
        }
        var opened = 0
        for outcome in outcomes {
            switch outcome {
            case .success(let stores):
                opened += 1
                try await stores.shutdown()
            case .failure(let error):
                Issue.record("an open failed: \(error)")
            }
        }
        #expect(opened == 4)

        let executor = try await SQLiteExecutor.open(.file(path: path), logger: logger)
        let versions = try await Migrator(executor: executor, logger: logger).appliedVersions()
        try await executor.close()
        #expect(versions == Migrations.all.map(\.version))
    }

    @Test func aSecondOpenOfTheSameFileSeesTheFirstOnesWrites() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("shared.sqlite")
        let server = try await SQLStores.open(databaseURL: path, logger: logger)
        let cli = try await SQLStores.open(databaseURL: "sqlite://" + path, logger: logger)
        let t0 = Date(timeIntervalSince1970: 1_750_000_000)

        let client = ClientRecord(
            id: "rp", name: "RP", secretHash: Data([0x00, 0x01, 0xfe, 0xff]), redirectURIs: ["https://rp/cb"],
            authMethod: .clientSecretBasic, createdAt: t0, updatedAt: t0
        )
        try await cli.clients.create(client)
        let seenByServer = try await server.clients.find(id: "rp")

        let versionBefore = try await server.signingKeys.version()
        try await cli.signingKeys.create(SigningKeyRecord(
            kid: "k1", algorithm: "RS256", state: .next, fileName: "k1.pem", createdAt: t0
        ))
        let versionAfter = try await server.signingKeys.version()
        let deleted = try await server.clients.delete(id: "rp")
        let seenByCLI = try await cli.clients.find(id: "rp")

        try await cli.shutdown()
        try await server.shutdown()
        #expect(seenByServer == client)
        #expect(versionBefore == 0)
        #expect(versionAfter == 1)
        #expect(deleted)
        #expect(seenByCLI == nil)
    }

    @Test func foreignKeysAreEnforcedAndDeletingAClientRemovesItsTokens() async throws {
        let stores = try await SQLStores.open(databaseURL: ":memory:", logger: logger)
        let t0 = Date(timeIntervalSince1970: 1_750_000_000)
        let token = AccessTokenRecord(
            tokenHash: Data([1, 2, 3]), grantID: "g", clientID: "rp", userID: "user-1", scopes: ["openid"],
            createdAt: t0, expiresAt: t0.addingTimeInterval(60)
        )
        let orphan = await #expect(throws: StorageError.self) { try await stores.tokens.create(token) }

        try await stores.clients.create(ClientRecord(
            id: "rp", name: "RP", secretHash: nil, redirectURIs: [], authMethod: .none, createdAt: t0, updatedAt: t0
        ))
        _ = try await stores.users.findOrCreate(
            identities: [.openID("o", appID: "wx")], profile: ProfileUpdate(), newUserID: "user-1", now: t0
        )
        try await stores.tokens.create(token)
        try await stores.clients.delete(id: "rp")
        let afterDelete = try await stores.tokens.find(tokenHash: token.tokenHash)
        try await stores.shutdown()

        #expect(orphan?.isBackend == true)
        #expect(afterDelete == nil)
    }

    @Test func shutdownIsFinalAndIdempotent() async throws {
        let stores = try await SQLStores.open(databaseURL: "sqlite::memory:", logger: logger)
        try await stores.shutdown()
        try await stores.shutdown()
        let error = await #expect(throws: StorageError.self) { _ = try await stores.clients.list() }
        #expect(error?.isBackend == true)
    }

    @Test func timesKeepMillisecondsAndHashesAreStoredAsLowercaseHex() async throws {
        let executor = try await SQLiteExecutor.open(.memory, logger: logger)
        try await Migrator(executor: executor, logger: logger).migrate()
        let stores = SQLStores.makeStores(executor: executor)
        let created = Date(timeIntervalSince1970: 1_750_000_000.789)
        let client = ClientRecord(
            id: "rp", name: "RP", secretHash: Data([0x00, 0xab, 0xff]), redirectURIs: ["https://rp/cb"],
            authMethod: .clientSecretPost, createdAt: created, updatedAt: created
        )
        try await stores.clients.create(client)
        let found = try await stores.clients.find(id: "rp")
        let raw = try await executor.run { database in
            try await database.select().columns("secret_hash", "created_at", "redirect_uris").from("clients").first()
                .map { row in
                    (try row.decode(column: "secret_hash", as: String.self),
                     try row.decode(column: "created_at", as: Int64.self),
                     try row.decode(column: "redirect_uris", as: String.self))
                }
        }
        try await stores.shutdown()
        #expect(found == client)
        #expect(raw?.0 == "00abff")
        #expect(raw?.1 == 1_750_000_000_789)
        #expect(raw?.2 == #"["https://rp/cb"]"#)
    }

    private func pragma(_ name: String, on executor: SQLiteExecutor) async throws -> String? {
        try await executor.run { database in
            try await database.raw("PRAGMA \(unsafeRaw: name)").first().map { row in
                let column = row.allColumns.first ?? name
                if let text = try? row.decode(column: column, as: String.self) { return text }
                return String(try row.decode(column: column, as: Int.self))
            }
        }
    }
}

extension SQLiteLocation {
    /// The file path, for building URLs in tests.
    var path: String {
        switch self {
        case .memory: ":memory:"
        case .file(let path): path
        }
    }
}
