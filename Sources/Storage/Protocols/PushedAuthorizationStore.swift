import Foundation

/// Pushed authorization requests (RFC 9126).
public protocol PushedAuthorizationStore: Sendable {
    func create(_ request: PushedAuthorizationRecord) async throws
    /// Atomically removes and returns the request (RFC 9126 §4: "single use"), or `nil` when
    /// unknown or expired at `now` (`expiresAt <= now`).
    func consume(requestURI: String, now: Date) async throws -> PushedAuthorizationRecord?
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}
