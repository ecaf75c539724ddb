/// The user's claims, released by scope (OIDC Core §5.4): `sub` always; `profile` gives
/// `name`, `nickname`, `picture`, `locale`; `wechat` gives `wechat_unionid`, `wechat_openid`.
/// Empty values are never emitted and `sex` never is (WeChat no longer sends a real one;
/// shared/WECHAT.md §4).
public struct UserClaims: Sendable, Equatable {
    public var subject: String
    public var nickname: String?
    public var pictureURL: String?
    public var locale: String?
    public var unionID: String?
    public var openID: String?

    public init(subject: String, nickname: String?, pictureURL: String?, locale: String?, unionID: String?, openID: String?) {
        self.subject = subject
        self.nickname = nickname
        self.pictureURL = pictureURL
        self.locale = locale
        self.unionID = unionID
        self.openID = openID
    }

    /// The claims granted by `scopes` plus those named in `requested` (the `claims` parameter,
    /// OIDC Core §5.5: "used to request that specific Claims be returned"), as a flat JSON object
    /// of strings. Only claims this provider knows are ever released.
    public func released(for scopes: [String], requested: Set<String>) -> [String: String] {
        var claims = released(for: scopes)
        let all = released(for: [Scope.profile, Scope.wechat])
        for name in requested { if let value = all[name] { claims[name] = value } }
        return claims
    }

    /// The claims granted by `scopes`, as a flat JSON object of strings.
    public func released(for scopes: [String]) -> [String: String] {
        var claims = ["sub": subject]
        func put(_ name: String, _ value: String?) {
            if let value, !value.isEmpty { claims[name] = value }
        }
        if scopes.contains(Scope.profile) {
            put("name", nickname)
            put("nickname", nickname)
            put("picture", pictureURL)
            put("locale", locale.map(Self.bcp47))
        }
        if scopes.contains(Scope.wechat) {
            put("wechat_unionid", unionID)
            put("wechat_openid", openID)
        }
        return claims
    }

    /// Every user claim this type can release.
    public static let names: Set<String> = ["name", "nickname", "picture", "locale", "wechat_unionid", "wechat_openid"]

    /// WeChat languages (`zh_CN`, `zh_TW`, `en`) as BCP 47 tags (OIDC Core §5.1 `locale`).
    static func bcp47(_ language: String) -> String {
        language.replacingOccurrences(of: "_", with: "-")
    }
}
