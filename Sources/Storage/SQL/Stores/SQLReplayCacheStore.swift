import Foundation
import SQLKit

/// `ReplayCacheStore` over SQL (table `replay_cache`).
struct SQLReplayCacheStore: ReplayCacheStore {
    let executor: any SQLExecutor

    /// In one write transaction: drop the identifier if it expired, then insert it; the insert
    /// loses against an unexpired row (primary key), which is the replay.
    func remember(namespace: String, identifier: String, expiresAt: Date, now: Date) async throws -> Bool {
        let nowMillis = SQLColumnCoding.millis(now)
        let expiresMillis = SQLColumnCoding.millis(expiresAt)
        return try await executor.transaction { database in
            try await database.delete(from: "replay_cache")
                .where("namespace", .equal, namespace)
                .where("identifier", .equal, identifier)
                .where("expires_at", .lessThanOrEqual, nowMillis)
                .run()
            return try await database.insert(into: "replay_cache")
                .columns("namespace", "identifier", "expires_at")
                .values(namespace, identifier, expiresMillis)
                .ignoringConflicts()
                .returning("identifier")
                .first() != nil
        }
    }

    func purgeExpired(now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.delete(from: "replay_cache")
                .where("expires_at", .lessThanOrEqual, SQLColumnCoding.millis(now))
                .returning("identifier")
                .all().count
        }
    }
}
