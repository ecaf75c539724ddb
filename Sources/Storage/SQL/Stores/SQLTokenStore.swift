import Foundation
import SQLKit

/// `TokenStore` over SQL (table `access_tokens`).
struct SQLTokenStore: TokenStore {
    let executor: any SQLExecutor

    /// Runs on every token exchange, so the statement is written out rather than built
    /// (SQL shared by SQLite and PostgreSQL, binds placed by the dialect).
    func create(_ token: AccessTokenRecord) async throws {
        let hash = SQLColumnCoding.hex(token.tokenHash)
        let scopes = try SQLColumnCoding.json(token.scopes)
        let createdAt = SQLColumnCoding.millis(token.createdAt)
        let expiresAt = SQLColumnCoding.millis(token.expiresAt)
        let revokedAt = SQLColumnCoding.millis(token.revokedAt)
        let inserted = try await executor.run { database in
            try await database.raw("""
                INSERT INTO access_tokens (token_hash, grant_id, client_id, user_id, scopes, created_at, expires_at, revoked_at, claims) \
                VALUES (\(bind: hash), \(bind: token.grantID), \(bind: token.clientID), \(bind: token.userID), \(bind: scopes), \
                \(bind: createdAt), \(bind: expiresAt), \(bind: revokedAt), \(bind: token.claims)) \
                ON CONFLICT DO NOTHING RETURNING token_hash
                """).first()
        }
        guard inserted != nil else { throw StorageError.conflict("access token exists") }
    }

    func find(tokenHash: Data) async throws -> AccessTokenRecord? {
        let hash = SQLColumnCoding.hex(tokenHash)
        return try await executor.run { database in
            try await database.select().column("*").from("access_tokens")
                .where("token_hash", .equal, hash).first()
                .map(Self.record(from:))
        }
    }

    /// Counts only tokens this call revoked; already revoked ones keep their `revokedAt`.
    func revokeGrant(grantID: String, now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.update("access_tokens")
                .set("revoked_at", to: SQLColumnCoding.millis(now))
                .where("grant_id", .equal, grantID)
                .where("revoked_at", .is, SQLLiteral.null)
                .returning("token_hash")
                .all().count
        }
    }

    func revoke(tokenHash: Data, now: Date) async throws -> Bool {
        let hash = SQLColumnCoding.hex(tokenHash)
        return try await executor.run { database in
            try await database.update("access_tokens")
                .set("revoked_at", to: SQLColumnCoding.millis(now))
                .where("token_hash", .equal, hash)
                .where("revoked_at", .is, SQLLiteral.null)
                .returning("token_hash")
                .first() != nil
        }
    }

    func purgeExpired(now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.delete(from: "access_tokens")
                .where("expires_at", .lessThanOrEqual, SQLColumnCoding.millis(now))
                .returning("token_hash")
                .all().count
        }
    }

    private static func record(from row: any SQLRow) throws -> AccessTokenRecord {
        AccessTokenRecord(
            tokenHash: try row.hexData("token_hash"),
            grantID: try row.string("grant_id"),
            clientID: try row.string("client_id"),
            userID: try row.string("user_id"),
            scopes: try row.stringList("scopes"),
            claims: try row.optionalString("claims"),
            createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at"),
            revokedAt: try row.optionalDate("revoked_at")
        )
    }
}
