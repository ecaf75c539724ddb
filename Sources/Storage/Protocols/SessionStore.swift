import Foundation

/// Browser SSO sessions.
public protocol SessionStore: Sendable {
    func create(_ session: BrowserSessionRecord) async throws
    /// The session with this cookie hash, unless expired at `now` (`expiresAt <= now`).
    func find(cookieHash: Data, now: Date) async throws -> BrowserSessionRecord?
    /// The session with this id, unless expired at `now`.
    func find(id: String, now: Date) async throws -> BrowserSessionRecord?
    /// Remembers that `clientID` received tokens in this session, for logout
    /// (Back-Channel Logout 1.0 §2.7: the RPs "that the End-User is logged into").
    func addClient(sessionID: String, clientID: String) async throws
    /// The clients recorded for the session, sorted.
    func clientIDs(sessionID: String) async throws -> [String]
    /// Ends the session (its client list goes with it).
    @discardableResult func delete(id: String) async throws -> Bool
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}
