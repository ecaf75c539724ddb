import Foundation
import SQLKit
import SQLiteKit

/// Everything that differs between the SQL databases the stores run on, in one place.
///
/// The stores and migrations are written once over SQLKit and use only SQL that SQLite (≥ 3.35)
/// and PostgreSQL share: `INSERT … ON CONFLICT DO NOTHING`, `UPDATE/DELETE … RETURNING`, partial
/// unique indexes, `BIGINT` (SQLKit maps it to SQLite's `INTEGER`) and `TEXT` columns. Hashes are
/// stored as lowercase hex `TEXT`, times as `BIGINT` Unix milliseconds, string lists as JSON `TEXT`,
/// so no column type differs. What remains differs here.
struct SQLDialectProfile: Sendable {
    /// A name for logs (`sqlite`, `postgres`).
    var name: String
    /// Starts a transaction that will write. SQLite must take the write lock up front
    /// (`BEGIN IMMEDIATE`), or a read-then-write transaction can fail with `SQLITE_BUSY` when
    /// another process writes in between; PostgreSQL would use `BEGIN ISOLATION LEVEL SERIALIZABLE`.
    var beginWriteTransaction: String
    /// Run first inside each migration transaction so two processes starting at once apply
    /// migrations one after the other. `nil` when `beginWriteTransaction` already serializes
    /// writers (SQLite); PostgreSQL would use `SELECT pg_advisory_xact_lock(…)`.
    var migrationLock: String?
    /// Turns a driver error into the error the stores report (unique violations → `conflict`).
    var classify: @Sendable (any Error) -> StorageError

    /// SQLite through sqlite-nio.
    static let sqlite = SQLDialectProfile(
        name: "sqlite",
        beginWriteTransaction: "BEGIN IMMEDIATE",
        migrationLock: nil,
        classify: { error in
            if let storageError = error as? StorageError { return storageError }
            if let sqliteError = error as? SQLiteError {
                switch sqliteError.reason {
                case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
                    return .conflict(sqliteError.message)
                default:
                    return .backend("sqlite: \(sqliteError.reason): \(sqliteError.message)")
                }
            }
            return .backend(String(describing: error))
        }
    )
}
