/// Errors a store reports to its callers.
public struct StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case conflict
        case notFound
        case backend
        case invalidURL
        case incompatibleSchema
    }

    private let code: Code
    public let detail: String

    private init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// A row with the same key already exists.
    public static func conflict(_ detail: String) -> StorageError { .init(.conflict, detail) }
    public static func notFound(_ detail: String) -> StorageError { .init(.notFound, detail) }
    /// The database failed.
    public static func backend(_ detail: String) -> StorageError { .init(.backend, detail) }
    /// The database URL cannot be used.
    public static func invalidURL(_ detail: String) -> StorageError { .init(.invalidURL, detail) }
    /// The database's schema is newer than this program knows (a newer release migrated it).
    public static func incompatibleSchema(_ detail: String) -> StorageError { .init(.incompatibleSchema, detail) }

    public var isConflict: Bool { code == .conflict }
    public var isNotFound: Bool { code == .notFound }
    public var isBackend: Bool { code == .backend }
    public var isInvalidURL: Bool { code == .invalidURL }
    public var isIncompatibleSchema: Bool { code == .incompatibleSchema }
    public var description: String { "\(code): \(detail)" }
}
