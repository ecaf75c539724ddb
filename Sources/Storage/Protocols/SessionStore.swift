import Foundation

/// Browser SSO sessions.
public protocol SessionStore: Sendable {
    func create(_ session: BrowserSessionRecord) async throws
    /// The session with this cookie hash, unless expired at `now` (`expiresAt <= now`).
    func find(cookieHash: Data, now: Date) async throws -> BrowserSessionRecord?
    @discardableResult func delete(id: String) async throws -> Bool
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}
