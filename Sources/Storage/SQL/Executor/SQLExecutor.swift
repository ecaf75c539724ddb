import SQLKit

/// How a transaction keeps concurrent writers from interfering (see `SQLDialectProfile`).
enum SQLTransactionKind: Sendable, Equatable {
    /// A read-then-write that must behave as if it ran alone, whatever it touches: SQLite
    /// `BEGIN IMMEDIATE`; PostgreSQL `SERIALIZABLE`, run again when it loses a serialization
    /// conflict. The safe default.
    case write
    /// A read-then-write that first takes the named locks, held until it ends: everything that
    /// reads-then-writes the same data takes the same name, so those transactions run one after
    /// the other and others run in parallel. SQLite `BEGIN IMMEDIATE` (which already serializes
    /// every writer); PostgreSQL `READ COMMITTED` plus transaction-scoped advisory locks, so each
    /// statement after the locks sees what the previous holder committed. Preferred for busy
    /// paths: `SERIALIZABLE` reports false conflicts between unrelated transactions on small tables.
    case locking([String])

    /// The lock names to take after `BEGIN`.
    var lockNames: [String] {
        switch self {
        case .write: []
        case .locking(let names): names
        }
    }
}

/// Runs store operations against one database, serializing what must be serialized.
///
/// A backend (`SQLiteExecutor`, `PostgresExecutor`) provides one of these; the stores only see
/// `any SQLDatabase` handed to their closures and never hold a connection themselves.
protocol SQLExecutor: Sendable {
    var profile: SQLDialectProfile { get }

    /// Runs `body` outside a transaction. Use for single statements (each one is atomic on its
    /// own): each statement runs alone on its connection, never inside another caller's
    /// transaction, but another caller's statements may run between two statements of `body`.
    func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in a transaction of the given kind: committed when it returns, rolled back when
    /// it throws. `body` may run more than once (PostgreSQL runs a transaction again when it loses
    /// a serialization conflict or a deadlock), so it must have no effects outside the database.
    func transaction<T: Sendable>(
        _ kind: SQLTransactionKind, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T

    /// Closes the connections; later calls fail with `StorageError.backend`.
    func close() async throws
}

extension SQLExecutor {
    /// Runs `body` in a `.write` transaction (see `transaction(_:_:)`).
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await transaction(.write, body)
    }
}
