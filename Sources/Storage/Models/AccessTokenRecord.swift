import Foundation

/// An opaque bearer access token (RFC 6750), stored by the SHA-256 of its value.
public struct AccessTokenRecord: Sendable, Equatable, Codable {
    public var tokenHash: Data
    /// The grant (authorization code) this token was issued from; revoking the grant revokes it.
    public var grantID: String
    public var clientID: String
    public var userID: String
    public var scopes: [String]
    /// The `claims` request parameter (OIDC Core §5.5) whose `userinfo` member applies, as JSON.
    public var claims: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(
        tokenHash: Data, grantID: String, clientID: String, userID: String, scopes: [String],
        claims: String? = nil, createdAt: Date, expiresAt: Date, revokedAt: Date? = nil
    ) {
        self.tokenHash = tokenHash
        self.grantID = grantID
        self.clientID = clientID
        self.userID = userID
        self.scopes = scopes
        self.claims = claims
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
