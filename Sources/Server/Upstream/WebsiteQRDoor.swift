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
    var amr: String { "wechat_qr" }

    /// `qrconnect` has no silent mode (scope `snsapi_login` only).
    func loginURL(callbackURI: String, state: String, silent: Bool) -> String {
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
        return WeChatIdentity(
            openID: token.openID, appID: app.appID, unionID: info.unionID ?? token.unionID, openPlatformID: openPlatformID,
            profile: ProfileUpdate(nickname: info.nickname.nonEmpty, pictureURL: info.headImageURL.nonEmpty, locale: info.language?.nonEmpty)
        )
    }
}

extension String {
    /// `nil` for an empty string: WeChat sends empty strings that must not become claims.
    var nonEmpty: String? { isEmpty ? nil : self }
}
