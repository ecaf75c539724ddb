import Storage
import WeChat

/// A door whose WeChat code arrives from a client-side SDK rather than a browser redirect
/// (WECHAT.md §6: "Both are 'the code arrives from a client-side SDK', not a redirect: a
/// standards-based facade takes them at its token endpoint (RFC 8693 token exchange with a
/// WeChat-specific `subject_token_type`)").
protocol WeChatSDKDoor: Sendable {
    /// `mobile` or `miniProgram`.
    var name: String { get }
    /// The ID token's `amr` value.
    var amr: String { get }
    /// The RFC 8693 `subject_token_type` that names this door's codes.
    var subjectTokenType: String { get }
    func identity(fromCode code: String) async throws(WeChatError) -> WeChatIdentity
}

/// Mobile app login (WECHAT.md §6): "the app calls the WeChat OpenSDK (`SendAuth.Req`, scope
/// `snsapi_userinfo`, a `state`) and receives a `code`; the server exchanges it at
/// `/sns/oauth2/access_token` with the **mobile app's** appid/secret", then reads `/sns/userinfo`.
struct MobileAppDoor: WeChatSDKDoor {
    static let subjectTokenType = "urn:wechat-oidc:params:oauth:token-type:wechat-app-code"

    let client: WeChatClient
    let app: WeChatAppCredentials
    let openPlatformID: String?

    var name: String { "mobile" }
    var amr: String { "wechat_app" }
    var subjectTokenType: String { Self.subjectTokenType }

    func identity(fromCode code: String) async throws(WeChatError) -> WeChatIdentity {
        let token = try await client.exchangeCode(code, app: app)
        let info = try await client.userInfo(accessToken: token.accessToken, openID: token.openID)
        return WeChatIdentity(
            openID: token.openID, appID: app.appID, unionID: info.unionID ?? token.unionID, openPlatformID: openPlatformID,
            profile: ProfileUpdate(nickname: info.nickname.nonEmpty, pictureURL: info.headImageURL.nonEmpty, locale: info.language?.nonEmpty)
        )
    }
}

/// Mini program login (WECHAT.md §6): "`wx.login()` yields a `js_code` (5 minutes); the server
/// calls `/sns/jscode2session`." No profile comes with it; the `session_key` is never read.
struct MiniProgramDoor: WeChatSDKDoor {
    static let subjectTokenType = "urn:wechat-oidc:params:oauth:token-type:wechat-miniprogram-code"

    let client: WeChatClient
    let app: WeChatAppCredentials
    let openPlatformID: String?

    var name: String { "miniProgram" }
    var amr: String { "wechat_miniprogram" }
    var subjectTokenType: String { Self.subjectTokenType }

    func identity(fromCode code: String) async throws(WeChatError) -> WeChatIdentity {
        let session = try await client.miniProgramSession(jsCode: code, app: app)
        return WeChatIdentity(
            openID: session.openID, appID: app.appID, unionID: session.unionID, openPlatformID: openPlatformID, profile: ProfileUpdate()
        )
    }
}
