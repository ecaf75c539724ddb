import Foundation

/// A refresh token (RFC 6749 §6, OIDC Core §12), stored by the SHA-256 of its value.
///
/// Every use rotates it: the presented token is marked `rotatedAt` and a successor in the same
/// `familyID` is issued. Presenting a rotated token again is a reuse (RFC 9700 §4.14.2), which
/// revokes the whole family. `familyID` is the grant id of the authorization code the family
/// started from, so access tokens of the grant are revoked with it.
public struct RefreshTokenRecord: Sendable, Equatable, Codable {
    public var tokenHash: Data
    public var familyID: String
    public var clientID: String
    public var userID: String
    public var scopes: [String]
    /// When the user authenticated at WeChat (kept in refreshed ID tokens, OIDC Core §12.2).
    public var authTime: Date
    public var amr: [String]
    public var acr: String?
    /// The browser session the grant was made in (`sid`).
    public var sessionID: String?
    /// The `claims` request parameter of the original authorization, as JSON text.
    public var claims: String?
    public var createdAt: Date
    /// Idle expiry of this token: `min(createdAt + idle lifetime, familyExpiresAt)`.
    public var expiresAt: Date
    /// Absolute expiry of the family: no successor outlives it.
    public var familyExpiresAt: Date
    /// Set once, atomically, by the use that rotated this token.
    public var rotatedAt: Date?
    public var revokedAt: Date?

    public init(
        tokenHash: Data, familyID: String, clientID: String, userID: String, scopes: [String],
        authTime: Date, amr: [String], acr: String? = nil, sessionID: String? = nil,
        claims: String? = nil, createdAt: Date, expiresAt: Date, familyExpiresAt: Date,
        rotatedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.tokenHash = tokenHash
        self.familyID = familyID
        self.clientID = clientID
        self.userID = userID
        self.scopes = scopes
        self.authTime = authTime
        self.amr = amr
        self.acr = acr
        self.sessionID = sessionID
        self.claims = claims
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.familyExpiresAt = familyExpiresAt
        self.rotatedAt = rotatedAt
        self.revokedAt = revokedAt
    }
}
