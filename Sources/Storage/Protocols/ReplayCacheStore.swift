import Foundation

/// One-time identifiers that must not be accepted twice while valid: the `jti` of client
/// assertions (RFC 7523 §3 item 7) and of request objects.
public protocol ReplayCacheStore: Sendable {
    /// Records `identifier` in `namespace` until `expiresAt`. Returns `false` when it was
    /// already recorded and has not expired at `now` (a replay). Atomic across processes.
    func remember(namespace: String, identifier: String, expiresAt: Date, now: Date) async throws -> Bool
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}
