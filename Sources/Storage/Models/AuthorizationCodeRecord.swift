import Foundation

/// An issued authorization code (RFC 6749 §4.1.2), stored by the SHA-256 of its value.
///
/// `grantID` names everything issued from this code, so that a replay can revoke it
/// (RFC 6749 §4.1.2: "If an authorization code is used more than once, the authorization
/// server MUST deny the request and SHOULD revoke (when possible) all tokens previously issued
/// based on that authorization code.").
public struct AuthorizationCodeRecord: Sendable, Equatable, Codable {
    public var codeHash: Data
    public var grantID: String
    public var clientID: String
    public var redirectURI: String
    public var userID: String
    public var scopes: [String]
    public var nonce: String?
    public var codeChallenge: String?
    public var codeChallengeMethod: String?
    public var authTime: Date
    public var amr: [String]
    public var sessionID: String?
    /// The `acr` to put in the ID token, when one applies.
    public var acr: String?
    /// The `claims` request parameter (OIDC Core §5.5), as JSON text.
    public var claims: String?
    public var createdAt: Date
    public var expiresAt: Date
    /// Set once, atomically, by the first exchange.
    public var consumedAt: Date?

    public init(
        codeHash: Data, grantID: String, clientID: String, redirectURI: String, userID: String,
        scopes: [String], nonce: String?, codeChallenge: String?, codeChallengeMethod: String?,
        authTime: Date, amr: [String], sessionID: String? = nil, acr: String? = nil,
        claims: String? = nil, createdAt: Date, expiresAt: Date,
        consumedAt: Date? = nil
    ) {
        self.codeHash = codeHash
        self.grantID = grantID
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.userID = userID
        self.scopes = scopes
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.codeChallengeMethod = codeChallengeMethod
        self.authTime = authTime
        self.amr = amr
        self.sessionID = sessionID
        self.acr = acr
        self.claims = claims
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.consumedAt = consumedAt
    }
}
