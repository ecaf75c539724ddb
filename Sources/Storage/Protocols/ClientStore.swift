/// Registered clients. Read on every request, so a running server sees CLI changes at once.
public protocol ClientStore: Sendable {
    /// Inserts a new client; throws `StorageError.conflict` when the id exists.
    func create(_ client: ClientRecord) async throws
    func find(id: String) async throws -> ClientRecord?
    /// All clients, oldest first.
    func list() async throws -> [ClientRecord]
    /// Replaces a client's mutable fields; returns `false` when it does not exist. The stored
    /// `updatedAt` always moves forward (to `client.updatedAt`, or one millisecond past the
    /// stored value when that is not later), so every update changes `ClientRecord.version`.
    @discardableResult func update(_ client: ClientRecord) async throws -> Bool
    /// Returns `false` when it did not exist.
    @discardableResult func delete(id: String) async throws -> Bool
}
