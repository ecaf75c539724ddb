import Foundation
import SQLKit

/// `CodeStore` over SQL (table `authorization_codes`).
struct SQLCodeStore: CodeStore {
    let executor: any SQLExecutor

    func create(_ code: AuthorizationCodeRecord) async throws {
        let values: [any Encodable & Sendable] = [
            SQLColumnCoding.hex(code.codeHash), code.grantID, code.clientID, code.redirectURI, code.userID,
            try SQLColumnCoding.json(code.scopes), code.nonce, code.codeChallenge, code.codeChallengeMethod,
            SQLColumnCoding.millis(code.authTime), try SQLColumnCoding.json(code.amr), code.sessionID,
            SQLColumnCoding.millis(code.createdAt), SQLColumnCoding.millis(code.expiresAt),
            SQLColumnCoding.millis(code.consumedAt), code.acr, code.claims,
        ]
        let inserted = try await executor.run { database in
            try await database.insert(into: "authorization_codes")
                .columns(
                    "code_hash", "grant_id", "client_id", "redirect_uri", "user_id", "scopes", "nonce",
                    "code_challenge", "code_challenge_method", "auth_time", "amr", "session_id",
                    "created_at", "expires_at", "consumed_at", "acr", "claims"
                )
                .values(values)
                .ignoringConflicts()
                .returning("code_hash")
                .first()
        }
        guard inserted != nil else { throw StorageError.conflict("authorization code exists") }
    }

    /// One conditional `UPDATE … WHERE consumed_at IS NULL AND expires_at > now RETURNING …`:
    /// the database lets exactly one caller match. The losers then read the row to tell a replay
    /// from an expired or unknown code. A code is expired at `now` when `expiresAt <= now`.
    ///
    /// The statement is written out rather than built (it runs on every token exchange; SQL
    /// shared by SQLite and PostgreSQL, binds placed by the dialect).
    func consume(codeHash: Data, now: Date) async throws -> CodeConsumption {
        let hash = SQLColumnCoding.hex(codeHash)
        let nowMillis = SQLColumnCoding.millis(now)
        return try await executor.run { database in
            if let row = try await database.raw("""
                UPDATE authorization_codes SET consumed_at = \(bind: nowMillis) \
                WHERE code_hash = \(bind: hash) AND consumed_at IS NULL AND expires_at > \(bind: nowMillis) \
                RETURNING \(unsafeRaw: Self.columns)
                """).first()
            {
                return .consumed(try Self.record(from: row))
            }
            return try await Self.unconsumable(hash: hash, on: database)
        }
    }

    /// The same conditional `UPDATE`, which also records the issued token in the code's row, and
    /// whose `RETURNING` reads the client's `updated_at` (its version) by a scalar subquery. The
    /// token reaches `access_tokens` in the same statement: by the trigger of migration 6 on
    /// SQLite, by a data-modifying `WITH` on PostgreSQL. One round trip and one commit instead of
    /// three statements.
    func redeem(
        codeHash: Data, now: Date, versionOfClient clientID: String, issuing accessToken: IssuedAccessToken
    ) async throws -> (CodeConsumption, clientVersion: Int64?) {
        let hash = SQLColumnCoding.hex(codeHash)
        let nowMillis = SQLColumnCoding.millis(now)
        let tokenHash = SQLColumnCoding.hex(accessToken.tokenHash)
        let tokenExpiresAt = SQLColumnCoding.millis(accessToken.expiresAt)
        let byTrigger = executor.profile.name == SQLDialectProfile.sqlite.name
        return try await executor.run { database in
            let update: SQLQueryString = """
                UPDATE authorization_codes SET consumed_at = \(bind: nowMillis), issued_token_hash = \(bind: tokenHash), \
                issued_token_expires_at = \(bind: tokenExpiresAt) \
                WHERE code_hash = \(bind: hash) AND consumed_at IS NULL AND expires_at > \(bind: nowMillis)
                """
            let statement: SQLQueryString = byTrigger
                ? """
                \(update) RETURNING \(unsafeRaw: Self.columns), \
                (SELECT updated_at FROM clients WHERE id = \(bind: clientID)) AS client_version
                """
                : """
                WITH consumed AS (\(update) RETURNING \(unsafeRaw: Self.columns), issued_token_hash, issued_token_expires_at), \
                issued AS (INSERT INTO access_tokens \
                (token_hash, grant_id, client_id, user_id, scopes, created_at, expires_at, revoked_at, claims) \
                SELECT issued_token_hash, grant_id, client_id, user_id, scopes, consumed_at, issued_token_expires_at, NULL, claims \
                FROM consumed) \
                SELECT \(unsafeRaw: Self.columns), (SELECT updated_at FROM clients WHERE id = \(bind: clientID)) AS client_version \
                FROM consumed
                """
            if let row = try await database.raw(statement).first() {
                return (.consumed(try Self.record(from: row)), try row.optionalInt("client_version"))
            }
            let consumption = try await Self.unconsumable(hash: hash, on: database)
            let version = try await database.raw("SELECT updated_at FROM clients WHERE id = \(bind: clientID)").first()
                .map { try $0.int("updated_at") }
            return (consumption, version)
        }
    }

    /// Why a code could not be consumed: the losers read the row to tell a replay from an
    /// expired or unknown code.
    private static func unconsumable(hash: String, on database: any SQLDatabase) async throws -> CodeConsumption {
        guard let row = try await database.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM authorization_codes WHERE code_hash = \(bind: hash)
            """).first()
        else { return .notFound }
        let record = try Self.record(from: row)
        return record.consumedAt != nil ? .replayed(record) : .expired(record)
    }

    /// Every column `record(from:)` reads.
    private static let columns = "code_hash, grant_id, client_id, redirect_uri, user_id, scopes, nonce, code_challenge, "
        + "code_challenge_method, auth_time, amr, session_id, acr, claims, created_at, expires_at, consumed_at"

    func purgeExpired(now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.delete(from: "authorization_codes")
                .where("expires_at", .lessThanOrEqual, SQLColumnCoding.millis(now))
                .returning("code_hash")
                .all().count
        }
    }

    private static func record(from row: any SQLRow) throws -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            codeHash: try row.hexData("code_hash"),
            grantID: try row.string("grant_id"),
            clientID: try row.string("client_id"),
            redirectURI: try row.string("redirect_uri"),
            userID: try row.string("user_id"),
            scopes: try row.stringList("scopes"),
            nonce: try row.optionalString("nonce"),
            codeChallenge: try row.optionalString("code_challenge"),
            codeChallengeMethod: try row.optionalString("code_challenge_method"),
            authTime: try row.date("auth_time"),
            amr: try row.stringList("amr"),
            sessionID: try row.optionalString("session_id"),
            acr: try row.optionalString("acr"),
            claims: try row.optionalString("claims"),
            createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at"),
            consumedAt: try row.optionalDate("consumed_at")
        )
    }
}
