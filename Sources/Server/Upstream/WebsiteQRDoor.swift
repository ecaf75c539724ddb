import Storage
import WeChat

/// PC QR login with the website app (shared/WECHAT.md §2): `qrconnect`, then
/// `/sns/oauth2/access_token` and `/sns/userinfo`.
struct WebsiteQRDoor: WeChatLoginDoor {
    let client: WeChatClient
    let app: WeChatAppCredentials
    /// The Open Platform account scoping unionids; without it unionids are not used as keys.
    let openPlatformID: String?

    var name: String { "website" }

    func loginURL(callbackURI: String, state: String) -> String {
        client.qrConnectURL(app: app, redirectURI: callbackURI, state: state)
    }

    /// shared/WECHAT.md §2: "WeChat's `wxLogin.js` only injects an iframe pointing at the same
    /// `qrconnect` URL with extra parameters (`login_type=jssdk`, `self_redirect=true|false`…).
    /// With `self_redirect=false` the top window is redirected to `redirect_uri`."
    func embeddedLoginURL(callbackURI: String, state: String, language: LoginPageLanguage) -> String? {
        client.qrConnectURL(
            app: app, redirectURI: callbackURI, state: state, lang: language.wechatLang,
            extra: [("login_type", "jssdk"), ("self_redirect", "false"), ("style", "black")]
        )
    }

    func identity(fromCode code: String) async throws(WeChatError) -> WeChatIdentity {
        let token = try await client.exchangeCode(code, app: app)
        let info = try await client.userInfo(accessToken: token.accessToken, openID: token.openID)
        // shared/WECHAT.md §7: key on unionid (scoped by the Open Platform account) first so
        // every door finds the same person; the openid is scoped by this appid.
        var keys: [IdentityKey] = []
        let unionID = info.unionID ?? token.unionID
        if let unionID, !unionID.isEmpty, let openPlatformID {
            keys.append(.unionID(unionID, openPlatformID: openPlatformID))
        }
        keys.append(.openID(token.openID, appID: app.appID))
        return WeChatIdentity(
            keys: keys,
            profile: ProfileUpdate(
                nickname: info.nickname.nonEmpty,
                pictureURL: info.headImageURL.nonEmpty,
                locale: info.language?.nonEmpty
            )
        )
    }
}

extension String {
    /// `nil` for an empty string: WeChat sends empty strings that must not become claims.
    var nonEmpty: String? { isEmpty ? nil : self }
}
