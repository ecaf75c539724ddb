/// An authorization request that passed every check, ready to be answered from the browser's
/// session or stored while the user signs in with WeChat.
public struct ValidatedAuthorization: Sendable, Equatable {
    public var client: ClientDescription
    public var redirectURI: String
    /// Requested scopes this server supports, in request order, `openid` included.
    /// `offline_access` only when it may be granted (OIDC Core §11).
    public var scopes: [String]
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var codeChallengeMethod: String?
    public var responseMode: ResponseMode
    /// `prompt` values (OIDC Core §3.1.2.1).
    public var prompt: Set<String> = []
    /// `max_age` in seconds, or the client's `default_max_age` (OIDC Registration §2).
    public var maxAge: Int?
    /// The `id_token_hint` as sent; the server verifies it (it needs the keys).
    public var idTokenHint: String?
    public var loginHint: String?
    public var uiLocales: String?
    /// `acr_values` plus `claims.id_token.acr` values, in request order.
    public var requestedACRs: [String] = []
    public var claims: ClaimsRequest?

    public init(
        client: ClientDescription, redirectURI: String, scopes: [String], state: String?, nonce: String?,
        codeChallenge: String?, codeChallengeMethod: String?, responseMode: ResponseMode
    ) {
        self.client = client
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.state = state
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.codeChallengeMethod = codeChallengeMethod
        self.responseMode = responseMode
    }

    /// The `acr` the ID token states for a WeChat login, when the client asked for one we know.
    public var acr: String? { ACR.select(requested: requestedACRs) }
}
