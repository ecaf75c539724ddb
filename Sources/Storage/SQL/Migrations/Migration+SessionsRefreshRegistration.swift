import SQLKit

extension Migration {
    /// Version 2: what a complete OpenID provider needs beyond the code flow: client
    /// registration metadata, refresh tokens, the clients of each browser session (for logout),
    /// pushed authorization requests, and a replay cache for one-time JWT ids.
    ///
    /// `ALTER TABLE … ADD COLUMN` one column at a time with a constant default: the form SQLite
    /// and PostgreSQL share.
    static let sessionsRefreshRegistration = Migration(version: 2, name: "sessions, refresh tokens, registration") { database in
        for statement in [
            "ALTER TABLE clients ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE clients ADD COLUMN registration_token_hash TEXT",
            "ALTER TABLE clients ADD COLUMN sealed_secret TEXT",
            "ALTER TABLE authorization_codes ADD COLUMN acr TEXT",
            "ALTER TABLE authorization_codes ADD COLUMN claims TEXT",
            "ALTER TABLE access_tokens ADD COLUMN claims TEXT",
        ] {
            try await database.execute(sql: SQLRaw(statement)) { _ in }
        }

        try await database.create(table: "refresh_tokens")
            .column("token_hash", type: .text, .primaryKey(autoIncrement: false))
            .column("family_id", type: .text, .notNull)
            .column("client_id", type: .text, .notNull)
            .column("user_id", type: .text, .notNull)
            .column("scopes", type: .text, .notNull)
            .column("auth_time", type: .bigint, .notNull)
            .column("amr", type: .text, .notNull)
            .column("acr", type: .text)
            .column("session_id", type: .text)
            .column("claims", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("family_expires_at", type: .bigint, .notNull)
            .column("rotated_at", type: .bigint)
            .column("revoked_at", type: .bigint)
            .foreignKey(["client_id"], references: "clients", ["id"], onDelete: .cascade)
            .foreignKey(["user_id"], references: "users", ["id"], onDelete: .cascade)
            .run()
        try await database.create(index: "refresh_tokens_family_id").on("refresh_tokens").column("family_id").run()
        try await database.create(index: "refresh_tokens_expires_at").on("refresh_tokens").column("expires_at").run()

        try await database.create(table: "session_clients")
            .column("session_id", type: .text, .notNull)
            .column("client_id", type: .text, .notNull)
            .primaryKey("session_id", "client_id")
            .foreignKey(["session_id"], references: "browser_sessions", ["id"], onDelete: .cascade)
            .foreignKey(["client_id"], references: "clients", ["id"], onDelete: .cascade)
            .run()

        try await database.create(table: "pushed_authorizations")
            .column("request_uri", type: .text, .primaryKey(autoIncrement: false))
            .column("client_id", type: .text, .notNull)
            .column("parameters", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .foreignKey(["client_id"], references: "clients", ["id"], onDelete: .cascade)
            .run()
        try await database.create(index: "pushed_authorizations_expires_at")
            .on("pushed_authorizations").column("expires_at").run()

        try await database.create(table: "replay_cache")
            .column("namespace", type: .text, .notNull)
            .column("identifier", type: .text, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .primaryKey("namespace", "identifier")
            .run()
        try await database.create(index: "replay_cache_expires_at").on("replay_cache").column("expires_at").run()
    }
}
