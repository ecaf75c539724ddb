import Foundation

/// A validated authorization request waiting for the user to come back from WeChat.
///
/// It is looked up by the opaque `upstreamState` we send to WeChat and is bound to the browser
/// that started it through `browserBindingHash` (SHA-256 of a random cookie value).
public struct PendingAuthorization: Sendable, Equatable, Codable {
    public var upstreamState: String
    public var browserBindingHash: Data
    public var clientID: String
    public var redirectURI: String
    public var scopes: [String]
    /// The RP's `state`, echoed back verbatim (RFC 6749 §4.1.2).
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var codeChallengeMethod: String?
    /// `query` or `form_post` (OAuth 2.0 Multiple Response Type Encoding Practices).
    public var responseMode: String
    /// Which WeChat door serves this login (`website` now; more later).
    public var door: String
    /// Extra request values kept for later features (prompt, max_age, claims, …), as JSON.
    public var extras: [String: String]
    public var createdAt: Date
    public var expiresAt: Date

    public init(
        upstreamState: String, browserBindingHash: Data, clientID: String, redirectURI: String,
        scopes: [String], state: String?, nonce: String?, codeChallenge: String?,
        codeChallengeMethod: String?, responseMode: String = "query", door: String = "website",
        extras: [String: String] = [:], createdAt: Date, expiresAt: Date
    ) {
        self.upstreamState = upstreamState
        self.browserBindingHash = browserBindingHash
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.state = state
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.codeChallengeMethod = codeChallengeMethod
        self.responseMode = responseMode
        self.door = door
        self.extras = extras
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
