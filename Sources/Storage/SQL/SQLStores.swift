import Foundation
import Logging

/// Opens the SQL-backed `Stores` from a database URL.
///
/// ```swift
/// let stores = try await SQLStores.open(databaseURL: "sqlite://data/wechat-oidc.sqlite", logger: logger)
/// defer { … try await stores.shutdown() }
/// ```
///
/// One implementation of every store is written over SQLKit; what differs between databases
/// lives in `SQLDialectProfile`, and connection handling in an `SQLExecutor` (`SQLiteExecutor`,
/// `PostgresExecutor`).
public enum SQLStores {
    /// Opens the database, applies pending migrations and returns the stores.
    ///
    /// - Parameter databaseURL: one of
    ///   - a file path (`data/db.sqlite`, `/var/lib/wechat-oidc/db.sqlite`);
    ///   - `sqlite://PATH` (`sqlite://data/db.sqlite`, `sqlite:///var/lib/db.sqlite`) or `sqlite:PATH`;
    ///   - `sqlite::memory:` or `:memory:` for a private in-memory database (tests);
    ///   - `postgres://USER:PASSWORD@HOST:PORT/DATABASE` or `postgresql://…`, with options
    ///     `sslmode` (`disable`, `prefer` (default), `require`, `verify-ca`, `verify-full`),
    ///     `sslrootcert`, `pool_size` (default 10), `connect_timeout` (seconds, default 10) and
    ///     `schema` (an existing schema instead of `public`).
    ///
    ///   Missing parent directories of a SQLite file are created. The file is opened in WAL mode
    ///   with `synchronous=NORMAL`, a busy timeout (so the CLI and a running server can share it)
    ///   and foreign keys on. PostgreSQL is reached through a pool of up to `pool_size` connections;
    ///   several processes may open the same database at once (migrations are applied once).
    /// - Throws: `StorageError.invalidURL` for an unusable URL; `StorageError.incompatibleSchema`
    ///   when the schema is newer than this program knows; `StorageError.backend` when the database
    ///   cannot be opened or migrated.
    public static func open(databaseURL: String, logger: Logger) async throws -> Stores {
        let executor = try await openMigrated(databaseURL: databaseURL, logger: logger).executor
        return makeStores(executor: executor)
    }

    /// Opens the database, applies pending migrations, reports what was applied and closes it
    /// (`wechat-oidc migrate`).
    public static func migrate(databaseURL: String, logger: Logger) async throws -> MigrationReport {
        let (executor, report) = try await openMigrated(databaseURL: databaseURL, logger: logger)
        try await executor.close()
        return report
    }

    /// `databaseURL` fit for logs and terminals: a PostgreSQL password becomes `***`. A URL that
    /// does not parse is not echoed at all.
    public static func redacted(databaseURL: String) -> String {
        guard let location = try? DatabaseLocation.parse(databaseURL) else { return "(an invalid database URL)" }
        return location.description
    }

    static func openExecutor(_ location: DatabaseLocation, logger: Logger) async throws -> any SQLExecutor {
        switch location {
        case .sqlite(let location):
            return try await SQLiteExecutor.open(location, logger: logger)
        case .postgres(let location):
            return try await PostgresExecutor.open(location, logger: logger)
        }
    }

    /// SQLite answers `SQLITE_BUSY` without waiting out `busy_timeout` where waiting could
    /// deadlock — which happens while several processes open and migrate a new file at once (a
    /// replica starting beside the CLI). Such an open is tried again, for up to 30 s: the opener
    /// holding the lock runs the whole migration first, which on a loaded machine can take
    /// longer than one `busy_timeout`.
    private static func openMigrated(
        databaseURL: String, logger: Logger
    ) async throws -> (executor: any SQLExecutor, report: MigrationReport) {
        let location = try DatabaseLocation.parse(databaseURL)
        guard case .sqlite = location else { return try await openMigratedOnce(location, logger: logger) }
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                return try await openMigratedOnce(location, logger: logger)
            } catch let error as StorageError where isSQLiteBusy(error) && ContinuousClock.now < deadline {
                logger.debug("database busy while opening; trying again", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// A classified SQLite `SQLITE_BUSY` / `SQLITE_LOCKED` (see `SQLDialectProfile.sqlite`).
    static func isSQLiteBusy(_ error: StorageError) -> Bool {
        let text = String(describing: error)
        return text.contains("sqlite: busy") || text.contains("sqlite: locked") || text.contains("database is locked")
    }

    private static func openMigratedOnce(
        _ location: DatabaseLocation, logger: Logger
    ) async throws -> (executor: any SQLExecutor, report: MigrationReport) {
        let executor = try await openExecutor(location, logger: logger)
        do {
            let migrator = Migrator(executor: executor, logger: logger)
            let applied = try await migrator.migrateReportingSteps()
            let versions = try await migrator.appliedVersions()
            let report = MigrationReport(
                database: location.description,
                applied: applied.map { MigrationReport.Step(version: $0.version, name: $0.name) },
                schemaVersion: versions.last ?? 0,
                knownVersion: migrator.knownVersion
            )
            return (executor, report)
        } catch {
            try? await executor.close()
            throw error
        }
    }

    /// The stores over an open, migrated executor.
    static func makeStores(executor: any SQLExecutor) -> Stores {
        let codes = SQLCodeStore(executor: executor)
        let tokens = SQLTokenStore(executor: executor)
        let sessions = SQLSessionStore(executor: executor)
        let authorizations = SQLAuthorizationStore(executor: executor)
        let refreshTokens = SQLRefreshTokenStore(executor: executor)
        let pushed = SQLPushedAuthorizationStore(executor: executor)
        let replayCache = SQLReplayCacheStore(executor: executor)
        let followScenes = SQLFollowSceneStore(executor: executor)
        return Stores(
            clients: SQLClientStore(executor: executor),
            authorizations: authorizations,
            codes: codes,
            tokens: tokens,
            users: SQLUserStore(executor: executor),
            sessions: sessions,
            refreshTokens: refreshTokens,
            pushedAuthorizations: pushed,
            replayCache: replayCache,
            signingKeys: SQLSigningKeyStore(executor: executor),
            globalTokens: SQLGlobalTokenStore(executor: executor),
            followScenes: followScenes,
            purgeExpired: { now in
                let purgedCodes = try await codes.purgeExpired(now: now)
                let purgedTokens = try await tokens.purgeExpired(now: now)
                let purgedSessions = try await sessions.purgeExpired(now: now)
                let purgedAuthorizations = try await authorizations.purgeExpired(now: now)
                let purgedRefreshTokens = try await refreshTokens.purgeExpired(now: now)
                let purgedPushed = try await pushed.purgeExpired(now: now)
                let purgedReplays = try await replayCache.purgeExpired(now: now)
                let purgedScenes = try await followScenes.purgeExpired(now: now)
                return purgedCodes + purgedTokens + purgedSessions + purgedAuthorizations
                    + purgedRefreshTokens + purgedPushed + purgedReplays + purgedScenes
            },
            shutdown: { try await executor.close() }
        )
    }
}
