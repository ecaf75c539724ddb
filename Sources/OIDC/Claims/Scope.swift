/// The scopes this provider grants and the claims each releases (OIDC Core §5.4).
public enum Scope {
    public static let openID = "openid"
    public static let profile = "profile"
    /// WeChat identifiers: `wechat_unionid`, `wechat_openid`.
    public static let wechat = "wechat"

    /// OIDC Core §11: asks for a refresh token usable while the user is away.
    public static let offlineAccess = "offline_access"

    public static let supported = [openID, profile, wechat, offlineAccess]

    /// Every claim that may appear in an ID token or at the userinfo endpoint.
    public static let claimsSupported = [
        "sub", "iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash", "amr", "acr", "sid",
        "name", "nickname", "picture", "locale", "wechat_unionid", "wechat_openid",
    ]
}
