import Foundation
import SQLKit

/// `AuthorizationStore` over SQL (table `pending_authorizations`).
struct SQLAuthorizationStore: AuthorizationStore {
    let executor: any SQLExecutor

    func create(_ pending: PendingAuthorization) async throws {
        let values: [any Encodable & Sendable] = [
            pending.upstreamState, SQLColumnCoding.hex(pending.browserBindingHash), pending.clientID,
            pending.redirectURI, try SQLColumnCoding.json(pending.scopes), pending.state, pending.nonce,
            pending.codeChallenge, pending.codeChallengeMethod, pending.responseMode, pending.door,
            try SQLColumnCoding.json(pending.extras),
            SQLColumnCoding.millis(pending.createdAt), SQLColumnCoding.millis(pending.expiresAt),
        ]
        let inserted = try await executor.run { database in
            try await database.insert(into: "pending_authorizations")
                .columns(
                    "upstream_state", "browser_binding_hash", "client_id", "redirect_uri", "scopes", "state",
                    "nonce", "code_challenge", "code_challenge_method", "response_mode", "door", "extras",
                    "created_at", "expires_at"
                )
                .values(values)
                .ignoringConflicts()
                .returning("upstream_state")
                .first()
        }
        guard inserted != nil else { throw StorageError.conflict("pending authorization exists") }
    }

    /// Deletes the row whatever its expiry (an expired one can never be used), in one
    /// `DELETE … RETURNING` statement, so two callbacks with the same state cannot both get it.
    func consume(upstreamState: String, now: Date) async throws -> PendingAuthorization? {
        let row = try await executor.run { database in
            try await database.delete(from: "pending_authorizations")
                .where("upstream_state", .equal, upstreamState)
                .returning("*")
                .first()
        }
        guard let row else { return nil }
        let pending = try Self.record(from: row)
        return pending.expiresAt > now ? pending : nil
    }

    func purgeExpired(now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.delete(from: "pending_authorizations")
                .where("expires_at", .lessThanOrEqual, SQLColumnCoding.millis(now))
                .returning("upstream_state")
                .all().count
        }
    }

    private static func record(from row: any SQLRow) throws -> PendingAuthorization {
        PendingAuthorization(
            upstreamState: try row.string("upstream_state"),
            browserBindingHash: try row.hexData("browser_binding_hash"),
            clientID: try row.string("client_id"),
            redirectURI: try row.string("redirect_uri"),
            scopes: try row.stringList("scopes"),
            state: try row.optionalString("state"),
            nonce: try row.optionalString("nonce"),
            codeChallenge: try row.optionalString("code_challenge"),
            codeChallengeMethod: try row.optionalString("code_challenge_method"),
            responseMode: try row.string("response_mode"),
            door: try row.string("door"),
            extras: try row.stringMap("extras"),
            createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at")
        )
    }
}
