import Foundation
import SQLKit

/// `RefreshTokenStore` over SQL (table `refresh_tokens`).
struct SQLRefreshTokenStore: RefreshTokenStore {
    let executor: any SQLExecutor

    func create(_ token: RefreshTokenRecord) async throws {
        let values: [any Encodable & Sendable] = [
            SQLColumnCoding.hex(token.tokenHash), token.familyID, token.clientID, token.userID,
            try SQLColumnCoding.json(token.scopes), SQLColumnCoding.millis(token.authTime),
            try SQLColumnCoding.json(token.amr), token.acr, token.sessionID, token.claims,
            SQLColumnCoding.millis(token.createdAt), SQLColumnCoding.millis(token.expiresAt),
            SQLColumnCoding.millis(token.familyExpiresAt), SQLColumnCoding.millis(token.rotatedAt),
            SQLColumnCoding.millis(token.revokedAt),
        ]
        let inserted = try await executor.run { database in
            try await database.insert(into: "refresh_tokens")
                .columns(
                    "token_hash", "family_id", "client_id", "user_id", "scopes", "auth_time", "amr", "acr",
                    "session_id", "claims", "created_at", "expires_at", "family_expires_at", "rotated_at",
                    "revoked_at"
                )
                .values(values)
                .ignoringConflicts()
                .returning("token_hash")
                .first()
        }
        guard inserted != nil else { throw StorageError.conflict("refresh token exists") }
    }

    /// One conditional `UPDATE … RETURNING *` picks the single winner, as for codes; losers read
    /// the row to tell a reuse from an inactive or unknown token.
    func use(tokenHash: Data, now: Date) async throws -> RefreshTokenUse {
        let hash = SQLColumnCoding.hex(tokenHash)
        let nowMillis = SQLColumnCoding.millis(now)
        return try await executor.run { database in
            if let row = try await database.update("refresh_tokens")
                .set("rotated_at", to: nowMillis)
                .where("token_hash", .equal, hash)
                .where("rotated_at", .is, SQLLiteral.null)
                .where("revoked_at", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, nowMillis)
                .returning("*")
                .first()
            {
                return .rotated(try Self.record(from: row))
            }
            guard let row = try await database.select().column("*").from("refresh_tokens")
                .where("token_hash", .equal, hash).first()
            else { return .notFound }
            let record = try Self.record(from: row)
            if record.rotatedAt != nil && record.revokedAt == nil { return .reused(record) }
            return .inactive(record)
        }
    }

    func find(tokenHash: Data) async throws -> RefreshTokenRecord? {
        let hash = SQLColumnCoding.hex(tokenHash)
        return try await executor.run { database in
            try await database.select().column("*").from("refresh_tokens")
                .where("token_hash", .equal, hash).first()
                .map(Self.record(from:))
        }
    }

    func revokeFamily(familyID: String, now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.update("refresh_tokens")
                .set("revoked_at", to: SQLColumnCoding.millis(now))
                .where("family_id", .equal, familyID)
                .where("revoked_at", .is, SQLLiteral.null)
                .returning("token_hash")
                .all().count
        }
    }

    /// Rotated tokens are kept until the family's absolute expiry, so a late reuse is still
    /// recognised (and still revokes the family) while any member could be alive.
    func purgeExpired(now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.delete(from: "refresh_tokens")
                .where("family_expires_at", .lessThanOrEqual, SQLColumnCoding.millis(now))
                .returning("token_hash")
                .all().count
        }
    }

    private static func record(from row: any SQLRow) throws -> RefreshTokenRecord {
        RefreshTokenRecord(
            tokenHash: try row.hexData("token_hash"),
            familyID: try row.string("family_id"),
            clientID: try row.string("client_id"),
            userID: try row.string("user_id"),
            scopes: try row.stringList("scopes"),
            authTime: try row.date("auth_time"),
            amr: try row.stringList("amr"),
            acr: try row.optionalString("acr"),
            sessionID: try row.optionalString("session_id"),
            claims: try row.optionalString("claims"),
            createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at"),
            familyExpiresAt: try row.date("family_expires_at"),
            rotatedAt: try row.optionalDate("rotated_at"),
            revokedAt: try row.optionalDate("revoked_at")
        )
    }
}
