import Foundation

/// A parsed database URL.
///
/// Accepted forms:
/// - a plain file path: `data/wechat-oidc.sqlite`, `/var/lib/wechat-oidc/db.sqlite`
/// - `sqlite://PATH` (relative: `sqlite://data/db.sqlite`; absolute: `sqlite:///var/lib/db.sqlite`)
///   and `sqlite:PATH`
/// - `sqlite::memory:` or `:memory:` (tests)
/// - `postgres://USER:PASSWORD@HOST:PORT/DATABASE?OPTIONS` or `postgresql://…` (see `PostgresLocation`)
enum DatabaseLocation: Sendable, Equatable {
    case sqlite(SQLiteLocation)
    case postgres(PostgresLocation)

    /// Parses `databaseURL`; throws `StorageError.invalidURL` naming the problem.
    static func parse(_ databaseURL: String) throws -> DatabaseLocation {
        let text = databaseURL.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw StorageError.invalidURL("the database URL is empty") }
        guard !text.contains("\0") else { throw StorageError.invalidURL("the database URL contains a NUL byte") }

        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            return .postgres(try PostgresLocation.parse(text))
        }
        let path: String
        if lowered.hasPrefix("sqlite://") {
            path = String(text.dropFirst("sqlite://".count))
        } else if lowered.hasPrefix("sqlite:") {
            path = String(text.dropFirst("sqlite:".count))
        } else if let schemeEnd = lowered.range(of: "://") {
            let scheme = lowered[..<schemeEnd.lowerBound]
            throw StorageError.invalidURL(
                "unsupported database URL scheme '\(scheme)'; use a file path, sqlite://PATH, sqlite::memory: or postgres://…"
            )
        } else {
            path = text
        }
        if path == ":memory:" { return .sqlite(.memory) }
        guard !path.isEmpty else { throw StorageError.invalidURL("the SQLite URL names no file") }
        guard !path.hasSuffix("/") else {
            throw StorageError.invalidURL("the SQLite path '\(path)' names a directory, not a file")
        }
        guard !path.contains("?") else {
            throw StorageError.invalidURL("the SQLite path '\(path)' has a query string; options are not supported")
        }
        return .sqlite(.file(path: path))
    }
}

extension DatabaseLocation: CustomStringConvertible {
    /// For logs and messages: a PostgreSQL password is replaced by `***`.
    var description: String {
        switch self {
        case .sqlite(.memory): "sqlite::memory:"
        case .sqlite(.file(let path)): "sqlite://" + path
        case .postgres(let location): location.redactedURL
        }
    }
}
