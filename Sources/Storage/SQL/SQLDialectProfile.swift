import Foundation
import SQLKit
import SQLiteKit

/// Everything that differs between the SQL databases the stores run on, in one place.
///
/// The stores and migrations are written once over SQLKit and use only SQL that SQLite (≥ 3.35)
/// and PostgreSQL share: `INSERT … ON CONFLICT DO NOTHING`, `UPDATE/DELETE … RETURNING`, partial
/// unique indexes, `BIGINT` (SQLKit maps it to SQLite's `INTEGER`) and `TEXT` columns. Hashes are
/// stored as lowercase hex `TEXT`, times as `BIGINT` Unix milliseconds, string lists as JSON `TEXT`,
/// so no column type differs. What remains differs here (`.sqlite` below, `.postgres` in
/// `SQLDialectProfile+Postgres.swift`): how transactions begin and lock, and how driver errors are
/// classified.
struct SQLDialectProfile: Sendable {
    /// A name for logs (`sqlite`, `postgres`).
    var name: String
    /// Starts a `.write` transaction. SQLite must take the write lock up front (`BEGIN IMMEDIATE`),
    /// or a read-then-write transaction can fail with `SQLITE_BUSY` when another process writes in
    /// between; PostgreSQL uses `SERIALIZABLE`, so a transaction that would not have given the same
    /// result run alone fails (and is run again) instead of committing.
    var beginWriteTransaction: String
    /// Starts a `.locking` transaction. On PostgreSQL it must be `READ COMMITTED`: the snapshot of
    /// `SERIALIZABLE` or `REPEATABLE READ` is taken by the first statement, the lock wait itself,
    /// so after waiting they would not see what the previous lock holder committed.
    var beginLockingTransaction: String
    /// The statement that takes the transaction-scoped lock of a name, held until commit or
    /// rollback. `nil` when `beginLockingTransaction` already serializes every writer (SQLite).
    var namedLock: (@Sendable (String) -> SQLQueryString)?
    /// Turns a driver error into the error the stores report (unique violations → `conflict`).
    var classify: @Sendable (any Error) -> StorageError
    /// Whether a failed transaction may simply be run again (PostgreSQL serialization failures
    /// and deadlocks: nothing was committed, and a second run sees the winner's rows).
    var isRetryable: @Sendable (any Error) -> Bool

    /// The statement that begins a transaction of `kind`.
    func begin(_ kind: SQLTransactionKind) -> String {
        switch kind {
        case .write: beginWriteTransaction
        case .locking: beginLockingTransaction
        }
    }

    /// Takes the named locks (each once, in a fixed order, so two transactions never wait for
    /// each other in a cycle). Call inside a `.locking` transaction; a no-op on SQLite.
    func lock(_ names: [String], on database: any SQLDatabase) async throws {
        guard let namedLock else { return }
        for name in Set(names).sorted() {
            try await database.execute(sql: namedLock(name)) { _ in }
        }
    }

    /// SQLite through sqlite-nio.
    static let sqlite = SQLDialectProfile(
        name: "sqlite",
        beginWriteTransaction: "BEGIN IMMEDIATE",
        beginLockingTransaction: "BEGIN IMMEDIATE",
        namedLock: nil,
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
        },
        isRetryable: { _ in false }
    )
}
