import Foundation

/// The Official Account APIs of "follow the Official Account to log in" (WECHAT.md §5).
extension WeChatClient {
    private struct StableTokenRequest: Encodable {
        var grant_type = "client_credential"
        var appid: String
        var secret: String
        var force_refresh: Bool
    }

    private struct QRCodeRequest: Encodable {
        struct Scene: Encodable { var scene_str: String }
        struct Info: Encodable { var scene: Scene }
        var expire_seconds: Int
        var action_name = "QR_STR_SCENE"
        var action_info: Info
    }

    /// `POST /cgi-bin/stable_token` with
    /// `{"grant_type":"client_credential","appid","secret","force_refresh":false}` (WECHAT.md §5.1:
    /// "better" than `/cgi-bin/token`). The token "lives 7200 s, about 2000 fetches a day are
    /// allowed": callers cache it, shared by every replica, and never fetch per login.
    public func stableAccessToken(app: WeChatAppCredentials, forceRefresh: Bool = false) async throws(WeChatError) -> WeChatGlobalToken {
        let body = try Self.json(StableTokenRequest(appid: app.appID, secret: app.secret, force_refresh: forceRefresh))
        return try WeChatResponseBody.decode(WeChatGlobalToken.self, from: try await call(.stableToken, query: WeChatQuery(), jsonBody: body))
    }

    /// `POST /cgi-bin/qrcode/create?access_token=TOKEN` with
    /// `{"expire_seconds":600,"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"SCENE"}}}`
    /// → `{"ticket","expire_seconds","url"}` (WECHAT.md §5.2). `scene` is "an unguessable
    /// one-time value (≤ 64 chars)".
    public func createSceneQRCode(accessToken: String, scene: String, expireSeconds: Int = 600) async throws(WeChatError) -> WeChatSceneQRCode {
        let body = try Self.json(QRCodeRequest(expire_seconds: expireSeconds, action_info: .init(scene: .init(scene_str: scene))))
        let reply = try await call(.createQRCode, query: WeChatQuery([("access_token", accessToken)]), jsonBody: body)
        return try WeChatResponseBody.decode(WeChatSceneQRCode.self, from: reply)
    }

    /// `GET /cgi-bin/user/info?access_token&openid&lang=zh_CN` (WECHAT.md §5.5): "`subscribe,
    /// openid, unionid?, language, subscribe_time, subscribe_scene, qr_scene_str …` (nickname and
    /// avatar are no longer returned)".
    public func subscriber(accessToken: String, openID: String) async throws(WeChatError) -> WeChatSubscriber {
        let query = WeChatQuery([("access_token", accessToken), ("openid", openID), ("lang", "zh_CN")])
        return try WeChatResponseBody.decode(WeChatSubscriber.self, from: try await call(.subscriberInfo, query: query))
    }

    private static func json(_ value: some Encodable) throws(WeChatError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw .malformedResponse("cannot encode the request")
        }
    }
}

extension WeChatClient {
    /// The image of a scene QR code: WECHAT.md §5.2, "Show it … via
    /// `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=URLENCODED_TICKET`". The ticket is
    /// percent-encoded (it may carry `+`, `/` and `=`).
    public func sceneQRImageURL(ticket: String) -> String {
        "\(endpoints.mpBaseURL.withoutTrailingSlashes)/cgi-bin/showqrcode?\(WeChatQuery([("ticket", ticket)]).encoded)"
    }
}
