import Foundation
import Storage
import WeChat

/// Login inside the WeChat in-app browser with the Official Account (shared/WECHAT.md §3):
/// `/connect/oauth2/authorize`, then `/sns/oauth2/access_token` and, for `snsapi_userinfo`,
/// `/sns/userinfo`.
struct OfficialAccountDoor: WeChatLoginDoor {
    let client: WeChatClient
    let account: OfficialAccountCredentials
    let openPlatformID: String?

    var name: String { "officialAccount" }
    var amr: String { "wechat_oa" }

    /// `snsapi_userinfo` by default (it "returns unionid when bound, and allows
    /// `/sns/userinfo`"); `snsapi_base` when `silent` ("silent, returns only the openid").
    func loginURL(callbackURI: String, state: String, silent: Bool) -> String {
        client.officialAccountAuthorizeURL(app: account.app, redirectURI: callbackURI, scope: silent ? .base : .userInfo, state: state)
    }

    /// The code exchange refuses snapshot-page users (``WeChatError/Category/snapshotUser``).
    /// `/sns/userinfo` is called only when the token carries `snsapi_userinfo`: with a
    /// base-scope token WeChat answers 48001 ("API unauthorized (e.g. userinfo with a base-scope
    /// token)").
    func identity(fromCode code: String) async throws(WeChatError) -> WeChatIdentity {
        let token = try await client.exchangeCode(code, app: account.app)
        let scopes = token.scope.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard scopes.contains(WeChatClient.OfficialAccountScope.userInfo.rawValue) else {
            return WeChatIdentity(
                openID: token.openID, appID: account.app.appID, unionID: token.unionID, openPlatformID: openPlatformID, profile: ProfileUpdate()
            )
        }
        let info = try await client.userInfo(accessToken: token.accessToken, openID: token.openID)
        return WeChatIdentity(
            openID: token.openID, appID: account.app.appID, unionID: info.unionID ?? token.unionID, openPlatformID: openPlatformID,
            profile: ProfileUpdate(nickname: info.nickname.nonEmpty, pictureURL: info.headImageURL.nonEmpty, locale: info.language?.nonEmpty)
        )
    }
}
