import Foundation
import Logging
import SQLKit

/// Applies pending migrations, each in its own write transaction, recording them in
/// `schema_migrations (version, name, applied_at)`.
///
/// Safe when several processes start at once: each migration's transaction first takes the
/// database's write lock (SQLite `BEGIN IMMEDIATE`, or the dialect's `migrationLock`), then checks
/// whether the version is recorded, so exactly one process applies it and the others skip it.
struct Migrator: Sendable {
    static let tableName = "schema_migrations"

    let executor: any SQLExecutor
    let migrations: [Migration]
    let logger: Logger

    init(executor: any SQLExecutor, migrations: [Migration] = Migrations.all, logger: Logger) {
        self.executor = executor
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies every migration not yet recorded; returns the versions this call applied.
    @discardableResult
    func migrate(now: Date = Date()) async throws -> [Int] {
        var applied: [Int] = []
        let lock = executor.profile.migrationLock
        for migration in migrations {
            let didApply = try await executor.transaction { database in
                if let lock {
                    try await database.execute(sql: SQLRaw(lock)) { _ in }
                }
                try await Self.createTable(on: database)
                let existing = try await database.select().column("version")
                    .from(Self.tableName)
                    .where("version", .equal, migration.version)
                    .first()
                if existing != nil { return false }
                try await migration.apply(database)
                try await database.insert(into: Self.tableName)
                    .columns("version", "name", "applied_at")
                    .values(migration.version, migration.name, SQLColumnCoding.millis(now))
                    .run()
                return true
            }
            if didApply {
                logger.info("Applied database migration", metadata: [
                    "version": .stringConvertible(migration.version), "name": .string(migration.name),
                ])
                applied.append(migration.version)
            }
        }
        try await warnAboutNewerSchema()
        return applied
    }

    /// The recorded versions, ascending.
    func appliedVersions() async throws -> [Int] {
        try await executor.run { database in
            try await database.select().column("version").from(Self.tableName)
                .orderBy("version").all(decodingColumn: "version", as: Int.self)
        }
    }

    private static func createTable(on database: any SQLDatabase) async throws {
        try await database.create(table: tableName).ifNotExists()
            .column("version", type: .bigint, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull)
            .column("applied_at", type: .bigint, .notNull)
            .run()
    }

    private func warnAboutNewerSchema() async throws {
        let known = migrations.last?.version ?? 0
        if let newest = try await appliedVersions().last, newest > known {
            logger.warning("The database schema is newer than this program knows", metadata: [
                "schemaVersion": .stringConvertible(newest), "knownVersion": .stringConvertible(known),
            ])
        }
    }
}
