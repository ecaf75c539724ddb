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
/// lives in `SQLDialectProfile`, and connection handling in an `SQLExecutor`, so PostgreSQL can be
/// added here without changing callers.
public enum SQLStores {
    /// Opens the database, applies pending migrations and returns the stores.
    ///
    /// - Parameter databaseURL: one of
    ///   - a file path (`data/db.sqlite`, `/var/lib/wechat-oidc/db.sqlite`);
    ///   - `sqlite://PATH` (`sqlite://data/db.sqlite`, `sqlite:///var/lib/db.sqlite`) or `sqlite:PATH`;
    ///   - `sqlite::memory:` or `:memory:` for a private in-memory database (tests).
    ///
    ///   Missing parent directories of a SQLite file are created. The file is opened in WAL mode
    ///   with `synchronous=NORMAL`, a busy timeout (so the CLI and a running server can share it)
    ///   and foreign keys on.
    /// - Throws: `StorageError.invalidURL` for an unusable URL (including `postgres://…`, which is
    ///   not supported yet); `StorageError.backend` when the database cannot be opened or migrated.
    public static func open(databaseURL: String, logger: Logger) async throws -> Stores {
        switch try DatabaseLocation.parse(databaseURL) {
        case .postgres:
            throw StorageError.invalidURL(
                "PostgreSQL support arrives later; use a SQLite file path or sqlite://PATH for now"
            )
        case .sqlite(let location):
            let executor = try await SQLiteExecutor.open(location, logger: logger)
            do {
                try await Migrator(executor: executor, logger: logger).migrate()
            } catch {
                try? await executor.close()
                throw error
            }
            return makeStores(executor: executor)
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
            purgeExpired: { now in
                let purgedCodes = try await codes.purgeExpired(now: now)
                let purgedTokens = try await tokens.purgeExpired(now: now)
                let purgedSessions = try await sessions.purgeExpired(now: now)
                let purgedAuthorizations = try await authorizations.purgeExpired(now: now)
                let purgedRefreshTokens = try await refreshTokens.purgeExpired(now: now)
                let purgedPushed = try await pushed.purgeExpired(now: now)
                let purgedReplays = try await replayCache.purgeExpired(now: now)
                return purgedCodes + purgedTokens + purgedSessions + purgedAuthorizations
                    + purgedRefreshTokens + purgedPushed + purgedReplays
            },
            shutdown: { try await executor.close() }
        )
    }
}
