import SQLKit

extension Migration {
    /// Version 6: the access token is stored by the statement that redeems the code.
    ///
    /// - `authorization_codes.issued_token_hash`, `issued_token_expires_at`: the access token
    ///   issued from the code (its SHA-256 and expiry), written when the code is consumed;
    ///   `NULL` for codes consumed before, or without a token.
    /// - SQLite: a trigger inserts that token into `access_tokens` when the redemption sets
    ///   `consumed_at`, so consuming the code and storing its token are one statement, one
    ///   commit (`CodeStore.redeem`). PostgreSQL does the same with a data-modifying `WITH` in the
    ///   redeeming statement itself, and needs no trigger.
    static let codeRedemption = Migration(version: 6, name: "access token stored with the code redemption") { database in
        try await database.execute(sql: SQLRaw("ALTER TABLE authorization_codes ADD COLUMN issued_token_hash TEXT")) { _ in }
        try await database.execute(sql: SQLRaw("ALTER TABLE authorization_codes ADD COLUMN issued_token_expires_at BIGINT")) { _ in }
        guard database.dialect.name == "sqlite" else { return }
        try await database.execute(sql: SQLRaw("""
            CREATE TRIGGER authorization_codes_issue_access_token \
            AFTER UPDATE OF consumed_at ON authorization_codes \
            WHEN OLD.consumed_at IS NULL AND NEW.consumed_at IS NOT NULL AND NEW.issued_token_hash IS NOT NULL \
            BEGIN \
            INSERT INTO access_tokens (token_hash, grant_id, client_id, user_id, scopes, created_at, expires_at, revoked_at, claims) \
            VALUES (NEW.issued_token_hash, NEW.grant_id, NEW.client_id, NEW.user_id, NEW.scopes, NEW.consumed_at, \
            NEW.issued_token_expires_at, NULL, NEW.claims); \
            END
            """)) { _ in }
    }
}
