import PostgresNIO
import SQLKit

extension SQLDialectProfile {
    /// The first key of the two-part advisory locks taken by `.locking` transactions ("WCOI"); the
    /// second is a hash of the current schema and the lock's name, so deployments in different
    /// schemas do not wait for each other. (A hash collision only makes two transactions wait for
    /// each other needlessly.)
    static let postgresLockClass: Int32 = 0x5743_4F49

    /// PostgreSQL through postgres-nio (`PostgresExecutor`).
    ///
    /// - Single statements (`UPDATE … RETURNING`, `DELETE … RETURNING`, `INSERT … ON CONFLICT DO
    ///   NOTHING`) run outside transactions at `READ COMMITTED`, where a statement that waited for
    ///   another's row lock re-checks its `WHERE` on the committed row: exactly one of many
    ///   concurrent consumers of a code matches.
    /// - `.locking` transactions (linking identities, signing keys, migrations) run at
    ///   `READ COMMITTED` after `pg_advisory_xact_lock` on each name, released at commit, so the
    ///   ones sharing a name run one after the other, as every writer does on SQLite.
    /// - `.write` transactions are `SERIALIZABLE`: one that raced another fails with
    ///   `serialization_failure` (40001) rather than committing a result that could not happen one
    ///   after the other, and `PostgresExecutor` runs it again.
    /// - `unique_violation` (23505) is a `conflict`; everything else a `backend` error with the
    ///   server's message and SQLSTATE (never the query's values).
    static let postgres = SQLDialectProfile(
        name: "postgres",
        beginWriteTransaction: "BEGIN ISOLATION LEVEL SERIALIZABLE",
        beginLockingTransaction: "BEGIN ISOLATION LEVEL READ COMMITTED",
        namedLock: { name in
            "SELECT pg_advisory_xact_lock(\(literal: Int(postgresLockClass)), hashtext(coalesce(current_schema(), '') || '/' || \(bind: name)))"
        },
        classify: classifyPostgresError,
        isRetryable: { error in
            guard let state = postgresSQLState(of: error) else { return false }
            return state == PostgresSQLState.serializationFailure || state == PostgresSQLState.deadlockDetected
        }
    )

    /// The SQLSTATE of a server error, if `error` is one.
    static func postgresSQLState(of error: any Error) -> String? {
        guard let error = error as? PSQLError, error.code == .server else { return nil }
        return error.serverInfo?[.sqlState]
    }

    private static func classifyPostgresError(_ error: any Error) -> StorageError {
        if let storageError = error as? StorageError { return storageError }
        guard let error = error as? PSQLError else {
            return .backend("postgres: \(String(describing: error))")
        }
        if error.code == .server, let info = error.serverInfo {
            let state = info[.sqlState] ?? "?????"
            let message = info[.message] ?? "server error"
            switch state {
            case PostgresSQLState.uniqueViolation:
                return .conflict("postgres: \(message)")
            case PostgresSQLState.serializationFailure, PostgresSQLState.deadlockDetected:
                return .backend("postgres: \(message) (SQLSTATE \(state)): concurrent operations interfered; try again")
            default:
                return .backend("postgres: \(message) (SQLSTATE \(state))")
            }
        }
        // Client-side failures (connection refused, TLS, pool closed): the code and the cause.
        if let underlying = error.underlying {
            return .backend("postgres: \(error.code): \(String(describing: underlying))")
        }
        return .backend("postgres: \(error.code)")
    }
}

/// The SQLSTATE codes the PostgreSQL backend treats specially.
enum PostgresSQLState {
    static let uniqueViolation = "23505"
    static let serializationFailure = "40001"
    static let deadlockDetected = "40P01"
}
