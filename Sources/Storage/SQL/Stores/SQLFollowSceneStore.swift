import Foundation
import SQLKit

/// `FollowSceneStore` over SQL (table `follow_scenes`). Every state change is one conditional
/// `UPDATE … RETURNING`, so concurrent pushes or polls cannot both move a scene.
struct SQLFollowSceneStore: FollowSceneStore {
    let executor: any SQLExecutor

    func create(_ scene: FollowScene) async throws {
        let values: [any Encodable & Sendable] = [
            scene.id, scene.upstreamState, SQLColumnCoding.hex(scene.browserBindingHash), scene.state.rawValue, scene.openID,
            SQLColumnCoding.millis(scene.createdAt), SQLColumnCoding.millis(scene.expiresAt),
        ]
        let inserted = try await executor.run { database in
            try await database.insert(into: "follow_scenes")
                .columns("id", "upstream_state", "browser_binding_hash", "state", "open_id", "created_at", "expires_at")
                .values(values)
                .ignoringConflicts()
                .returning("id")
                .first()
        }
        guard inserted != nil else { throw StorageError.conflict("follow scene exists") }
    }

    func scene(id: String) async throws -> FollowScene? {
        let row = try await executor.run { database in
            try await database.select().column("*").from("follow_scenes").where("id", .equal, id).first()
        }
        return try row.map(Self.record(from:))
    }

    func markScanned(id: String, openID: String, now: Date) async throws -> Bool {
        let nowMillis = SQLColumnCoding.millis(now)
        return try await executor.run { database in
            try await database.update("follow_scenes")
                .set("state", to: FollowScene.State.scanned.rawValue)
                .set("open_id", to: openID)
                .where("id", .equal, id)
                .where("state", .equal, FollowScene.State.waiting.rawValue)
                .where("expires_at", .greaterThan, nowMillis)
                .returning("id")
                .first() != nil
        }
    }

    func complete(id: String, now: Date) async throws -> FollowScene? {
        let nowMillis = SQLColumnCoding.millis(now)
        let row = try await executor.run { database in
            try await database.update("follow_scenes")
                .set("state", to: FollowScene.State.done.rawValue)
                .where("id", .equal, id)
                .where("state", .equal, FollowScene.State.scanned.rawValue)
                .where("expires_at", .greaterThan, nowMillis)
                .returning("*")
                .first()
        }
        return try row.map(Self.record(from:))
    }

    func purgeExpired(now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.delete(from: "follow_scenes")
                .where("expires_at", .lessThanOrEqual, SQLColumnCoding.millis(now))
                .returning("id")
                .all().count
        }
    }

    private static func record(from row: any SQLRow) throws -> FollowScene {
        FollowScene(
            id: try row.string("id"),
            upstreamState: try row.string("upstream_state"),
            browserBindingHash: try row.hexData("browser_binding_hash"),
            state: try row.enumValue("state", as: FollowScene.State.self),
            openID: try row.optionalString("open_id"),
            createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at")
        )
    }
}
