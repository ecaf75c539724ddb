import Foundation
import Storage
import Testing

/// One-time follow-to-log-in scenes (WECHAT.md §5).
enum FollowSceneStoreChecks {
    static func scene(_ id: String, expiresIn seconds: TimeInterval = 300) -> FollowScene {
        FollowScene(
            id: id, upstreamState: "state-\(id)", browserBindingHash: Fixtures.hash("browser-\(id)"),
            createdAt: Fixtures.t0, expiresAt: Fixtures.at(seconds)
        )
    }

    static let all: [StorageConformanceCheck] = [
        .init("follow scenes: waiting → scanned (first scan wins, retries change nothing) → done once") { stores in
            let scenes = stores.followScenes
            let created = scene("S1")
            try await scenes.create(created)
            await #expect(throws: StorageError.self) { try await scenes.create(created) }
            #expect(try await scenes.scene(id: "S1") == created)
            #expect(try await scenes.scene(id: "nope") == nil)
            #expect(try await scenes.scene(id: "S1")?.status(at: Fixtures.at(1)) == .waiting)
            // Not scanned: cannot complete.
            #expect(try await scenes.complete(id: "S1", now: Fixtures.at(1)) == nil)
            #expect(try await scenes.markScanned(id: "S1", openID: "oOPENID", now: Fixtures.at(2)))
            // WeChat's retry of the same push, and another phone afterwards: no change.
            let retried = try await scenes.markScanned(id: "S1", openID: "oOPENID", now: Fixtures.at(3))
            let other = try await scenes.markScanned(id: "S1", openID: "oOTHER", now: Fixtures.at(4))
            #expect(retried == false)
            #expect(other == false)
            let scanned = try await scenes.scene(id: "S1")
            #expect(scanned?.state == .scanned)
            #expect(scanned?.openID == "oOPENID")
            let done = try await scenes.complete(id: "S1", now: Fixtures.at(5))
            #expect(done?.openID == "oOPENID")
            #expect(done?.upstreamState == "state-S1")
            #expect(done?.state == .done)
            #expect(try await scenes.complete(id: "S1", now: Fixtures.at(6)) == nil)
            #expect(try await scenes.scene(id: "S1")?.status(at: Fixtures.at(6)) == .done)
        },
        .init("follow scenes: an expired scene is neither scanned nor completed, and is purged") { stores in
            let scenes = stores.followScenes
            try await scenes.create(scene("S2", expiresIn: 60))
            try await scenes.create(scene("S3", expiresIn: 60))
            #expect(try await scenes.markScanned(id: "S3", openID: "o3", now: Fixtures.at(59)))
            let late = try await scenes.markScanned(id: "S2", openID: "o2", now: Fixtures.at(60))
            #expect(late == false)
            #expect(try await scenes.scene(id: "S2")?.status(at: Fixtures.at(60)) == .expired)
            #expect(try await scenes.complete(id: "S3", now: Fixtures.at(60)) == nil)
            #expect(try await scenes.scene(id: "S3")?.status(at: Fixtures.at(60)) == .expired)
            try await scenes.create(scene("S4", expiresIn: 600))
            #expect(try await scenes.purgeExpired(now: Fixtures.at(60)) == 2)
            #expect(try await scenes.scene(id: "S4") != nil)
        },
        .init("follow scenes: exactly one of 20 concurrent completes wins") { stores in
            try await stores.followScenes.create(scene("S5"))
            #expect(try await stores.followScenes.markScanned(id: "S5", openID: "o5", now: Fixtures.at(1)))
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await stores.followScenes.complete(id: "S5", now: Fixtures.at(2)) != nil }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
        },
    ]
}
