import Foundation
import Logging
import SQLKit

/// Applies pending migrations, each in its own transaction, recording them in
/// `schema_migrations (version, name, applied_at)`.
///
/// Safe when several processes start at once: each migration's transaction first takes a lock
/// (a `.locking` transaction: SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock), then checks
/// whether the version is recorded, so exactly one process applies it and the others skip it.
///
/// Refuses a database whose schema is newer than the newest migration this program knows (a
/// newer release migrated it): it throws `StorageError.incompatibleSchema` naming both versions
/// rather than run old code on a schema it does not understand.
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

    /// The newest version this program can apply.
    var knownVersion: Int { migrations.last?.version ?? 0 }

    /// Applies every migration not yet recorded; returns the versions this call applied.
    @discardableResult
    func migrate(now: Date = Date()) async throws -> [Int] {
        try await migrateReportingSteps(now: now).map(\.version)
    }

    /// Applies every migration not yet recorded; returns the ones this call applied.
    func migrateReportingSteps(now: Date = Date()) async throws -> [Migration] {
        var applied: [Migration] = []
        let knownVersion = self.knownVersion
        for migration in migrations {
            let didApply = try await executor.transaction(.locking([Self.tableName])) { database in
                try await Self.createTable(on: database)
                let newest = try await Self.newestVersion(on: database)
                if newest > knownVersion {
                    throw Self.schemaTooNew(newest, known: knownVersion)
                }
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
                applied.append(migration)
            }
        }
        return applied
    }

    /// The recorded versions, ascending.
    func appliedVersions() async throws -> [Int] {
        try await executor.run { database in
            try await database.select().column("version").from(Self.tableName)
                .orderBy("version").all(decodingColumn: "version", as: Int.self)
        }
    }

    static func schemaTooNew(_ version: Int, known: Int) -> StorageError {
        .incompatibleSchema(
            "the database schema is at version \(version), newer than this wechat-oidc knows (up to version \(known)); "
                + "run a wechat-oidc release that knows version \(version), or a database that matches this one"
        )
    }

    private static func createTable(on database: any SQLDatabase) async throws {
        try await database.create(table: tableName).ifNotExists()
            .column("version", type: .bigint, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull)
            .column("applied_at", type: .bigint, .notNull)
            .run()
    }

    /// The highest recorded version, 0 when none.
    private static func newestVersion(on database: any SQLDatabase) async throws -> Int {
        try await database.select().column("version").from(tableName)
            .orderBy("version", .descending).limit(1)
            .first(decodingColumn: "version", as: Int.self) ?? 0
    }
}
