/// An authorization request that passed every check, ready to be stored while the user signs
/// in with WeChat.
public struct ValidatedAuthorization: Sendable, Equatable {
    public var client: ClientDescription
    public var redirectURI: String
    /// Requested scopes this server supports, in request order, `openid` included.
    public var scopes: [String]
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var codeChallengeMethod: String?
    public var responseMode: ResponseMode
}
