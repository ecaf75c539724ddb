import Foundation

/// One-time QR scenes of "follow the Official Account to log in" (WECHAT.md §5), shared by
/// every replica (§7: "Per-process maps for QR scan state break behind a load balancer").
public protocol FollowSceneStore: Sendable {
    /// Throws `StorageError.conflict` when the id exists.
    func create(_ scene: FollowScene) async throws
    func scene(id: String) async throws -> FollowScene?
    /// Marks a waiting, unexpired scene scanned by `openID`. `false` when unknown, expired or
    /// already scanned (the first scan wins; WeChat's retries of the same push change nothing).
    func markScanned(id: String, openID: String, now: Date) async throws -> Bool
    /// Atomically moves a scanned, unexpired scene to done and returns it, so a scene completes
    /// once; `nil` when unknown, not scanned, expired at `now` or already done.
    func complete(id: String, now: Date) async throws -> FollowScene?
    /// Removes rows expired at `now`; returns how many.
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}
