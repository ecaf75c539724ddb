import SQLKit

extension Migration {
    /// Version 3: signing keys per algorithm, and scheduled activation.
    ///
    /// - One active key *per algorithm* (RS256, PS256, ES256) instead of one in all: the partial
    ///   unique index of version 1 on `state` is replaced by one on `algorithm` over the active
    ///   rows. `DROP INDEX name` and `CREATE UNIQUE INDEX … WHERE …` read the same in SQLite and
    ///   PostgreSQL.
    /// - `activates_at`: when a `next` key is due to become active (pre-publication before
    ///   signing, OIDC Core §10.1.1); `NULL` when no activation is scheduled. Unix milliseconds
    ///   like every time column. Existing rows keep `NULL`, i.e. nothing changes for them.
    static let signingKeysPerAlgorithm = Migration(version: 3, name: "signing keys per algorithm, scheduled activation") { database in
        for statement in [
            "ALTER TABLE signing_keys ADD COLUMN activates_at BIGINT",
            "DROP INDEX signing_keys_one_active",
            "CREATE UNIQUE INDEX signing_keys_one_active_per_algorithm ON signing_keys (algorithm) WHERE state = 'active'",
        ] {
            try await database.execute(sql: SQLRaw(statement)) { _ in }
        }
    }
}
