import Foundation
import Hummingbird
import NIOCore

/// "Follow the Official Account to log in" (WECHAT.md §5): the global token, scene QR codes,
/// `/cgi-bin/user/info`, and `POST /_simulator/scan` for a phone that scans one.
extension WeChatSimulator {
    struct GlobalTokenBody: Encodable {
        var access_token: String
        var expires_in: Int
    }

    struct SceneQRBody: Encodable {
        var ticket: String
        var expire_seconds: Int
        var url: String
    }

    struct SubscriberBody: Encodable {
        var subscribe: Int
        var openid: String
        var unionid: String?
        var language: String
        var subscribe_time: Int
        var subscribe_scene: String
        var qr_scene_str: String
    }

    struct NotFollowerBody: Encodable {
        var subscribe: Int
        var openid: String
    }

    private struct StableTokenRequest: Decodable {
        var grant_type: String?
        var appid: String?
        var secret: String?
        var force_refresh: Bool?
    }

    private struct QRCodeRequest: Decodable {
        struct Scene: Decodable { var scene_str: String? }
        struct Info: Decodable { var scene: Scene? }
        var expire_seconds: Int?
        var action_name: String?
        var action_info: Info?
    }

    func addFollowQRRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.post("cgi-bin/stable_token") { request, _ in await self.stableToken(request) }
        router.post("cgi-bin/qrcode/create") { request, _ in await self.createQRCode(request) }
        router.get("cgi-bin/user/info") { request, _ in self.subscriberInfo(SimulatorQuery(request.uri.query)) }
        router.get("cgi-bin/showqrcode") { request, _ in self.showQRCode(SimulatorQuery(request.uri.query)) }
    }

    /// `GET /cgi-bin/showqrcode?ticket=` (WECHAT.md §5.2): an SVG stand-in for the QR image of a
    /// live ticket, naming the ticket to pass to `POST /_simulator/scan`; 404 otherwise.
    func showQRCode(_ query: SimulatorQuery) -> Response {
        let now = clock.now
        guard let ticket = query.nonEmpty("ticket"), ticket.count <= 128,
              ticket.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }),
              let entry = state.withLock({ $0.sceneTickets[ticket] }), entry.expiresAt > now
        else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "unknown ticket")))
        }
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"300\" viewBox=\"0 0 300 300\">"
            + "<rect width=\"300\" height=\"300\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"8\"/>"
            + "<text x=\"150\" y=\"130\" font-size=\"18\" text-anchor=\"middle\">WeChat simulator QR</text>"
            + "<text x=\"150\" y=\"170\" font-size=\"9\" text-anchor=\"middle\" textLength=\"280\" lengthAdjust=\"spacingAndGlyphs\" id=\"ticket\">\(ticket)</text></svg>"
        return Response(
            status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: svg))
        )
    }

    /// `POST /cgi-bin/stable_token`: the same token until it expires, a new one with
    /// `force_refresh: true`. Official Account appids only (40013), right secret (40125).
    func stableToken(_ request: Request) async -> Response {
        guard let body = await Self.decodeJSON(StableTokenRequest.self, request) else { return SimulatorResponse.error(47001) }
        guard body.grant_type == "client_credential" else { return SimulatorResponse.error(40002) }
        guard let appID = body.appid, let app = appsByID[appID], app.kind == .officialAccount else { return SimulatorResponse.error(40013) }
        guard let secret = body.secret, Self.constantTimeEquals(secret, app.secret) else { return SimulatorResponse.error(40125) }
        let now = clock.now
        let token: String = state.withLock { state in
            if body.force_refresh != true, let current = state.stableTokens[appID], let issued = state.globalTokens[current],
               now.timeIntervalSince(issued.issuedAt) < SimulatorState.accessTokenLifetime {
                return current
            }
            let fresh = SimulatorIdentity.randomToken()
            state.globalTokens[fresh] = (appID, now)
            state.stableTokens[appID] = fresh
            return fresh
        }
        return SimulatorResponse.json(GlobalTokenBody(access_token: token, expires_in: Int(SimulatorState.accessTokenLifetime)))
    }

    /// `POST /cgi-bin/qrcode/create?access_token`: `QR_STR_SCENE` with a 1…64 character
    /// `scene_str`; `expire_seconds` 60…2592000 (default 30 s as WeChat, raised to 60).
    func createQRCode(_ request: Request) async -> Response {
        let query = SimulatorQuery(request.uri.query)
        guard case .success(let appID) = validGlobalToken(query["access_token"]) else { return SimulatorResponse.error(40001) }
        guard let body = await Self.decodeJSON(QRCodeRequest.self, request) else { return SimulatorResponse.error(47001) }
        guard body.action_name == "QR_STR_SCENE" else { return SimulatorResponse.error(40097) }
        guard let scene = body.action_info?.scene?.scene_str, (1...64).contains(scene.count) else { return SimulatorResponse.error(40097) }
        let expires = min(max(body.expire_seconds ?? 30, 60), 2_592_000)
        let ticket = "gQ" + SimulatorIdentity.randomToken()
        let now = clock.now
        state.withLock { $0.sceneTickets[ticket] = (appID, scene, now.addingTimeInterval(TimeInterval(expires))) }
        return SimulatorResponse.json(SceneQRBody(ticket: ticket, expire_seconds: expires, url: "http://weixin.qq.com/q/\(ticket)"))
    }

    /// `GET /cgi-bin/user/info?access_token&openid`: a follower's record; `subscribe: 0` for
    /// anyone else (as WeChat answers for non-followers).
    func subscriberInfo(_ query: SimulatorQuery) -> Response {
        guard case .success(let appID) = validGlobalToken(query["access_token"]) else { return SimulatorResponse.error(40001) }
        guard let openID = query.nonEmpty("openid") else { return SimulatorResponse.error(40003) }
        guard let follower = state.withLock({ $0.followers["\(appID)/\(openID)"] }) else {
            return SimulatorResponse.json(NotFollowerBody(subscribe: 0, openid: openID))
        }
        let unionID = appsByID[appID]?.openPlatformID.map { identity.unionID(openPlatformID: $0, userID: follower.userID) }
        return SimulatorResponse.json(SubscriberBody(
            subscribe: 1, openid: openID, unionid: unionID, language: "zh_CN", subscribe_time: Int(clock.now.timeIntervalSince1970),
            subscribe_scene: "ADD_SCENE_QR_CODE", qr_scene_str: follower.scene ?? ""
        ))
    }

    /// What a phone scanning `ticket` as `userID` makes WeChat push (WECHAT.md §5.3): a new
    /// follower's `subscribe` with `EventKey` = `qrscene_SCENE`, an existing follower's `SCAN`
    /// with `EventKey` = `SCENE`. The user follows afterwards. `nil` for an unknown or expired
    /// ticket or an unknown user.
    public func scan(ticket: String, userID: String) -> (event: String, openID: String, xml: String)? {
        guard usersByID[userID] != nil else { return nil }
        let now = clock.now
        return state.withLock { state -> (event: String, openID: String, xml: String)? in
            guard let entry = state.sceneTickets[ticket], entry.expiresAt > now else { return nil }
            let openID = identity.openID(appID: entry.appID, userID: userID)
            let key = "\(entry.appID)/\(openID)"
            let event = state.followers[key] == nil ? "subscribe" : "SCAN"
            if state.followers[key] == nil { state.followers[key] = (userID, entry.scene) }
            let eventKey = event == "subscribe" ? "qrscene_" + entry.scene : entry.scene
            // The Official Account's original ID, derived from its appid in the simulator.
            let toUser = "gh_" + entry.appID.dropFirst(2).prefix(12)
            let xml = "<xml><ToUserName><![CDATA[\(toUser)]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName>"
                + "<CreateTime>\(Int(now.timeIntervalSince1970))</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[\(event)]]></Event><EventKey><![CDATA[\(eventKey)]]></EventKey>"
                + "<Ticket><![CDATA[\(ticket)]]></Ticket></xml>"
            return (event, openID, xml)
        }
    }

    private func validGlobalToken(_ token: String?) -> Result<String, Errcode> {
        guard let token, !token.isEmpty else { return .failure(41001) }
        let now = clock.now
        guard let entry = state.withLock({ $0.globalTokens[token] }),
              now.timeIntervalSince(entry.issuedAt) < SimulatorState.accessTokenLifetime
        else { return .failure(40001) }
        return .success(entry.appID)
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ request: Request) async -> T? {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: maxFormBytes) else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}
