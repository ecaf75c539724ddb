/// What `SQLStores.migrate` did.
public struct MigrationReport: Sendable, Equatable {
    /// One applied migration.
    public struct Step: Sendable, Equatable {
        public let version: Int
        public let name: String
    }

    /// The database URL, with any password replaced by `***`.
    public let database: String
    /// The migrations this run applied, in order (empty when the schema was up to date).
    public let applied: [Step]
    /// The schema version afterwards.
    public let schemaVersion: Int
    /// The newest version this program knows.
    public let knownVersion: Int
}
