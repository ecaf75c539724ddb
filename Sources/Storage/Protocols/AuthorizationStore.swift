import Foundation

/// Authorization requests waiting for the WeChat leg to come back.
public protocol AuthorizationStore: Sendable {
    func create(_ pending: PendingAuthorization) async throws
    /// Atomically removes and returns the pending authorization, so a callback is handled once.
    /// Returns `nil` when unknown or expired at `now` (`expiresAt <= now`; the row is removed anyway).
    func consume(upstreamState: String, now: Date) async throws -> PendingAuthorization?
    /// Removes rows expired at `now`; returns how many.
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}
