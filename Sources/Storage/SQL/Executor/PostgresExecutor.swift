import Foundation
import Logging
import PostgresKit
import PostgresNIO

/// A pool of PostgreSQL connections (postgres-nio's `PostgresClient`) shared by every store.
///
/// - `run` leases a connection for one closure, outside any transaction (autocommit at
///   `READ COMMITTED`), so each statement is atomic on its own.
/// - `transaction(_:_:)` runs `BEGIN …` (`SERIALIZABLE` for `.write`, `READ COMMITTED` plus
///   advisory locks for `.locking`; see `SQLDialectProfile.postgres`) … `COMMIT` on one leased
///   connection, and runs the closure again when PostgreSQL reports a serialization failure or a
///   deadlock (up to `maximumTransactionAttempts` times, with a short random pause), then gives
///   up with a `backend` error that says so.
///
/// Like `SQLiteExecutor`, work runs in an unstructured task, so cancelling a caller cannot stop a
/// transaction between `BEGIN` and `COMMIT`/`ROLLBACK` and return a connection inside it to the pool.
struct PostgresExecutor: SQLExecutor {
    static let maximumTransactionAttempts = 12

    let profile = SQLDialectProfile.postgres
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let operations = InFlightOperations()
    private let logger: Logger

    private init(client: PostgresClient, runTask: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.runTask = runTask
        self.logger = logger
    }

    /// Connects once to check the settings (so a wrong host, password, TLS mode or schema fails
    /// here, with the server's reason, rather than after the pool's retries), then starts the pool.
    static func open(_ location: PostgresLocation, logger: Logger) async throws -> PostgresExecutor {
        let tls = try location.tlsConfiguration()
        try await checkConnection(location, tls: tls, logger: logger)
        let client = PostgresClient(configuration: location.clientConfiguration(tls: tls), backgroundLogger: logger)
        // Detached: the pool must not inherit a caller's task-locals (such as a service group's
        // graceful-shutdown handler); it stops when `close()` cancels it.
        let runTask = Task.detached { await client.run() }
        logger.debug("Opened the PostgreSQL pool", metadata: ["database": .string(location.redactedURL)])
        return PostgresExecutor(client: client, runTask: runTask, logger: logger)
    }

    private static func checkConnection(_ location: PostgresLocation, tls: TLSConfiguration?, logger: Logger) async throws {
        let target = "\(location.username)@\(location.host):\(location.port)/\(location.database)"
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try location.connectionConfiguration(tls: tls), id: 0, logger: logger
            )
        } catch {
            let reason = SQLDialectProfile.postgres.classify(error).detail
            throw StorageError.backend("cannot connect to PostgreSQL as \(target) (sslmode=\(location.sslMode.rawValue)): \(reason)")
        }
        do {
            if let schema = location.schema {
                let rows = try await connection.query("SELECT current_schema()", logger: logger)
                var current: String?
                for try await name in rows.decode(String?.self) { current = name }
                guard current == schema else {
                    throw StorageError.backend("the PostgreSQL schema '\(schema)' does not exist in \(location.database) (create it first)")
                }
            }
        } catch {
            try? await connection.close()
            throw SQLDialectProfile.postgres.classify(error)
        }
        try? await connection.close()
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let client = self.client
        let profile = self.profile
        let logger = self.logger
        return try await operations.perform {
            try await Task {
                do {
                    return try await client.withConnection { connection in
                        try await body(connection.sql(queryLogLevel: .trace, logger: logger))
                    }
                } catch {
                    throw profile.classify(error)
                }
            }.value
        }
    }

    func transaction<T: Sendable>(
        _ kind: SQLTransactionKind, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let client = self.client
        let profile = self.profile
        let logger = self.logger
        return try await operations.perform {
            try await Task {
                var attempt = 1
                while true {
                    do {
                        return try await client.withConnection { connection in
                            try await Self.inTransaction(
                                connection.sql(queryLogLevel: .trace, logger: logger), kind: kind, profile: profile, body
                            )
                        }
                    } catch {
                        guard profile.isRetryable(error) else { throw profile.classify(error) }
                        guard attempt < Self.maximumTransactionAttempts else {
                            throw StorageError.backend("\(profile.classify(error).detail); gave up after \(attempt) attempts")
                        }
                        logger.debug("Retrying a PostgreSQL transaction that lost a concurrency conflict", metadata: [
                            "attempt": .stringConvertible(attempt),
                            "sqlstate": .string(SQLDialectProfile.postgresSQLState(of: error) ?? ""),
                        ])
                        try? await Task.sleep(for: Self.pause(afterAttempt: attempt))
                        attempt += 1
                    }
                }
            }.value
        }
    }

    /// A random pause that grows with the attempts (up to 100 ms), so the losers of a race do not
    /// collide again in lockstep.
    static func pause(afterAttempt attempt: Int) -> Duration {
        let ceiling = min(100, 2 << min(attempt, 10))
        return .milliseconds(Int.random(in: 1...ceiling))
    }

    private static func inTransaction<T: Sendable>(
        _ database: some SQLDatabase, kind: SQLTransactionKind, profile: SQLDialectProfile,
        _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await database.execute(sql: SQLRaw(profile.begin(kind))) { _ in }
        do {
            try await profile.lock(kind.lockNames, on: database)
            let value = try await body(database)
            try await database.execute(sql: SQLRaw("COMMIT")) { _ in }
            return value
        } catch {
            // After a failed COMMIT there is no transaction left; ROLLBACK then only warns.
            try? await database.execute(sql: SQLRaw("ROLLBACK")) { _ in }
            throw error
        }
    }

    /// Waits for running operations, then closes every connection. Idempotent.
    func close() async throws {
        guard await operations.close() else { return }
        runTask.cancel()
        await runTask.value
    }
}
