/// Where a SQLite database lives.
enum SQLiteLocation: Sendable, Equatable {
    /// A private in-memory database that lives as long as its connection.
    case memory
    /// A database file (created with its parent directories when missing).
    case file(path: String)
}
