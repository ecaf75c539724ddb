import Foundation

/// An opaque bearer access token (RFC 6750), stored by the SHA-256 of its value.
public struct AccessTokenRecord: Sendable, Equatable, Codable {
    public var tokenHash: Data
    /// The grant (authorization code) this token was issued from; revoking the grant revokes it.
    public var grantID: String
    public var clientID: String
    public var userID: String
    public var scopes: [String]
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(
        tokenHash: Data, grantID: String, clientID: String, userID: String, scopes: [String],
        createdAt: Date, expiresAt: Date, revokedAt: Date? = nil
    ) {
        self.tokenHash = tokenHash
        self.grantID = grantID
        self.clientID = clientID
        self.userID = userID
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
