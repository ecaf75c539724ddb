import SQLKit

/// Runs store operations against one database, serializing what must be serialized.
///
/// A backend (SQLite now, PostgreSQL later) provides one of these; the stores only see
/// `any SQLDatabase` handed to their closures and never hold a connection themselves.
protocol SQLExecutor: Sendable {
    var profile: SQLDialectProfile { get }

    /// Runs `body` outside a transaction. Use for single statements (each one is atomic on its
    /// own): each statement runs alone on its connection, never inside another caller's
    /// transaction, but another caller's statements may run between two statements of `body`.
    func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in a write transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T

    /// Closes the connections; later calls fail with `StorageError.backend`.
    func close() async throws
}
