import Foundation
import SQLKit

/// `GlobalTokenStore` over SQL (table `global_tokens`).
///
/// The claim is one conditional `UPDATE … RETURNING`: on PostgreSQL a second updater waits for
/// the first's row lock and then re-checks the `WHERE` against the committed row (READ
/// COMMITTED), on SQLite writers are serialized; either way one claim wins.
struct SQLGlobalTokenStore: GlobalTokenStore {
    let executor: any SQLExecutor

    func current(appID: String) async throws -> StoredGlobalToken? {
        let row = try await executor.run { database in
            try await database.select().columns("access_token", "expires_at").from("global_tokens")
                .where("app_id", .equal, appID)
                .first()
        }
        guard let row else { return nil }
        let token = try row.string("access_token")
        guard !token.isEmpty else { return nil }
        return StoredGlobalToken(accessToken: token, expiresAt: try row.date("expires_at"))
    }

    func claimRefresh(appID: String, refreshBefore: Date, leaseUntil: Date, now: Date) async throws -> Bool {
        let refreshMillis = SQLColumnCoding.millis(refreshBefore)
        let leaseMillis = SQLColumnCoding.millis(leaseUntil)
        let nowMillis = SQLColumnCoding.millis(now)
        return try await executor.run { database in
            try await database.insert(into: "global_tokens")
                .columns("app_id", "access_token", "expires_at", "refresh_lease_until")
                .values(appID, "", Int64(0), Int64(0))
                .ignoringConflicts()
                .run()
            return try await database.update("global_tokens")
                .set("refresh_lease_until", to: leaseMillis)
                .where("app_id", .equal, appID)
                .where("expires_at", .lessThanOrEqual, refreshMillis)
                .where("refresh_lease_until", .lessThanOrEqual, nowMillis)
                .returning("app_id")
                .first() != nil
        }
    }

    func save(appID: String, token: StoredGlobalToken) async throws {
        let expires = SQLColumnCoding.millis(token.expiresAt)
        try await executor.run { database in
            try await database.update("global_tokens")
                .set("access_token", to: token.accessToken)
                .set("expires_at", to: expires)
                .set("refresh_lease_until", to: Int64(0))
                .where("app_id", .equal, appID)
                .run()
        }
    }

    func releaseClaim(appID: String) async throws {
        try await executor.run { database in
            try await database.update("global_tokens")
                .set("refresh_lease_until", to: Int64(0))
                .where("app_id", .equal, appID)
                .run()
        }
    }

    func invalidate(appID: String, accessToken: String) async throws {
        try await executor.run { database in
            try await database.update("global_tokens")
                .set("expires_at", to: Int64(0))
                .where("app_id", .equal, appID)
                .where("access_token", .equal, accessToken)
                .run()
        }
    }
}
