import Foundation

/// A browser single sign-on session, created at WeChat login and stored server-side by the
/// SHA-256 of its cookie value.
public struct BrowserSessionRecord: Sendable, Equatable, Codable {
    public var id: String
    public var cookieHash: Data
    public var userID: String
    public var authTime: Date
    public var amr: [String]
    public var createdAt: Date
    public var expiresAt: Date

    public init(
        id: String, cookieHash: Data, userID: String, authTime: Date, amr: [String],
        createdAt: Date, expiresAt: Date
    ) {
        self.id = id
        self.cookieHash = cookieHash
        self.userID = userID
        self.authTime = authTime
        self.amr = amr
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
