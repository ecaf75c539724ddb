/// The scopes this provider grants and the claims each releases (OIDC Core §5.4).
public enum Scope {
    public static let openID = "openid"
    public static let profile = "profile"
    /// WeChat identifiers: `wechat_unionid`, `wechat_openid`.
    public static let wechat = "wechat"

    public static let supported = [openID, profile, wechat]

    /// Every claim that may appear in an ID token or at the userinfo endpoint.
    public static let claimsSupported = [
        "sub", "iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash", "amr",
        "name", "nickname", "picture", "locale", "wechat_unionid", "wechat_openid",
    ]
}
