import Foundation
import OIDC
import Storage
import WeChat

/// "Follow the Official Account to log in" (WECHAT.md §5, `login.page: follow`): a parametric
/// QR (`QR_STR_SCENE`) whose scan arrives as an event push, then `/cgi-bin/user/info` with the
/// shared global access_token.
struct FollowQRDoor: Sendable {
    /// Stored with the pending authorization.
    static let name = "followQR"
    /// The ID token's `amr`: the Official Account (`wechat_oa`) reached by following it.
    static let amr = "wechat_oa_follow"
    /// Scenes live at most 5 minutes (the issue: "expiry ≤ 5 min").
    static let maxSceneLifetime = 300
    /// Scene ids: 40 letters and digits (≈ 238 bits), within §5.2's "≤ 64 chars".
    static let sceneLength = 40

    let client: WeChatClient
    let account: OfficialAccountCredentials
    let openPlatformID: String?

    /// The global token cache over `store`, the token sealed with `sealer`.
    func tokens(store: any GlobalTokenStore, clock: any ProviderClock, sealer: SecretSealer) -> GlobalTokenCache {
        let client = client
        let app = account.app
        return GlobalTokenCache(store: store, appID: app.appID, clock: clock, fetch: { force in
            try await client.stableAccessToken(app: app, forceRefresh: force)
        }, sealer: sealer)
    }

    /// §5.2: `POST /cgi-bin/qrcode/create` with `QR_STR_SCENE` and `scene_str` = `scene`, shown
    /// through `showqrcode?ticket=`.
    func qrImageURL(scene: String, expireSeconds: Int, accessToken: String) async throws(WeChatError) -> String {
        let code = try await client.createSceneQRCode(accessToken: accessToken, scene: scene, expireSeconds: expireSeconds)
        return client.sceneQRImageURL(ticket: code.ticket)
    }

    /// §5.5: "User details then come from `GET /cgi-bin/user/info`" — the unionid when the
    /// account is bound to the Open Platform, so this door finds the same person as the others
    /// (§7: "a follow-QR login that keys on the Official Account openid does the same" — creates
    /// duplicates).
    func identity(openID: String, accessToken: String) async throws(WeChatError) -> WeChatIdentity {
        let subscriber = try await client.subscriber(accessToken: accessToken, openID: openID)
        guard subscriber.openID == openID else { throw .malformedResponse("user/info answered for another openid") }
        return WeChatIdentity(
            openID: openID, appID: account.app.appID, unionID: subscriber.unionID, openPlatformID: openPlatformID, profile: ProfileUpdate()
        )
    }

    /// Whether `scene` has the shape of our scene ids (anything else in a push is not ours).
    static func isWellFormedScene(_ scene: String) -> Bool {
        scene.utf8.count == sceneLength && scene.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
