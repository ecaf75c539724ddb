/// Official Account web authorization (WECHAT.md §3).
extension WeChatClient {
    /// The scopes of Official Account web authorization.
    public enum OfficialAccountScope: String, Sendable {
        /// WECHAT.md §3: "silent, returns only the openid (no unionid)".
        case base = "snsapi_base"
        /// WECHAT.md §3: "asks for consent …, returns unionid when bound, and allows `/sns/userinfo`".
        case userInfo = "snsapi_userinfo"
    }

    /// The `/connect/oauth2/authorize` URL the in-WeChat browser is sent to:
    ///
    /// ```
    /// https://open.weixin.qq.com/connect/oauth2/authorize?appid=APPID&redirect_uri=URLENCODED&response_type=code&scope=snsapi_userinfo&state=STATE#wechat_redirect
    /// ```
    ///
    /// The parameters go in exactly this order (WECHAT.md §2: "Reordered parameters have produced
    /// blank pages in practice"), then `forcePopup=true` if asked ("Optional `forcePopup=true`
    /// forces the consent popup"), then `#wechat_redirect`. Only meaningful for
    /// ``WeChatAppCredentials/Kind/officialAccount`` apps (§7: "Using the website (Open Platform)
    /// appid inside the WeChat browser … fails with page errors").
    public func officialAccountAuthorizeURL(
        app: WeChatAppCredentials, redirectURI: String, scope: OfficialAccountScope, state: String, forcePopup: Bool = false
    ) -> String {
        var query = WeChatQuery([
            ("appid", app.appID),
            ("redirect_uri", redirectURI),
            ("response_type", "code"),
            ("scope", scope.rawValue),
            ("state", state),
        ])
        if forcePopup { query.append("forcePopup", "true") }
        return "\(endpoints.openBaseURL.withoutTrailingSlashes)/connect/oauth2/authorize?\(query.encoded)#wechat_redirect"
    }
}
