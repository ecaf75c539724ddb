import Foundation
import Hummingbird
import NIOCore

/// The JSON APIs on `api.weixin.qq.com` (WECHAT.md §4): "The docs say GET with query parameters;
/// form POST is also accepted." Every answer is HTTP 200 with `Content-Type: text/plain`.
extension WeChatSimulator {
    func api(_ endpoint: SimulatorFault.Endpoint, request: Request, context: some RequestContext) async -> Response {
        var request = request
        var parameters = SimulatorQuery(request.uri.query)
        if request.method == .post {
            do {
                let buffer = try await request.collectBody(upTo: Self.maxFormBytes)
                parameters.append(contentsOf: SimulatorQuery(String(buffer: buffer)))
            } catch {
                return Response(status: .contentTooLarge)
            }
        }
        var asSnapshotUser = false
        if let fault = state.withLock({ $0.takeFault(for: endpoint) }) {
            logger.debug("Simulator playing fault", metadata: ["endpoint": "\(endpoint.rawValue)", "fault": "\(fault)"])
            switch fault {
            case .errcode(let errcode): return SimulatorResponse.error(errcode)
            case .malformedBody: return SimulatorResponse.malformed()
            case .emptyBody: return SimulatorResponse.empty()
            case .delay(let milliseconds): try? await Task.sleep(for: .milliseconds(milliseconds))
            case .snapshotUser: asSnapshotUser = true
            }
        }
        switch endpoint {
        case .accessToken: return accessToken(parameters, asSnapshotUser: asSnapshotUser)
        case .refreshToken: return refreshToken(parameters)
        case .auth: return auth(parameters)
        case .userInfo: return userInfo(parameters)
        case .jsCode2Session: return jsCode2Session(parameters)
        }
    }

    struct TokenBody: Encodable {
        var access_token: String
        var expires_in: Int
        var refresh_token: String
        var openid: String
        var scope: String
        var unionid: String?
        var is_snapshotuser: Int?
    }

    struct UserInfoBody: Encodable {
        var openid: String
        var nickname: String
        var sex: Int
        var province: String
        var city: String
        var country: String
        var headimgurl: String
        var privilege: [String]
        var unionid: String?
    }

    /// `/sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code`.
    func accessToken(_ parameters: SimulatorQuery, asSnapshotUser: Bool) -> Response {
        guard let appID = parameters.nonEmpty("appid") else { return SimulatorResponse.error(41002) }
        guard let secret = parameters.nonEmpty("secret") else { return SimulatorResponse.error(41004) }
        guard let code = parameters.nonEmpty("code") else { return SimulatorResponse.error(41008) }
        guard let app = appsByID[appID] else { return SimulatorResponse.error(40013) }
        guard Self.constantTimeEquals(secret, app.secret) else { return SimulatorResponse.error(40125) }
        guard parameters["grant_type"] == "authorization_code" else { return SimulatorResponse.error(40002) }
        let now = clock.now
        let result: Result<TokenBody, Errcode> = state.withLock { state in
            // A mini program's js_code is for /sns/jscode2session only.
            guard var issued = state.codes[code], issued.appID == appID, issued.scope != SimulatorState.jsCodeScope else { return .failure(40029) }
            if issued.used { return .failure(40163) }
            if now.timeIntervalSince(issued.issuedAt) >= SimulatorState.codeLifetime { return .failure(42003) }
            issued.used = true
            state.codes[code] = issued
            let grant = makeGrant(app: app, userID: issued.userID, scope: issued.scope, now: now, snapshot: asSnapshotUser || issued.snapshot)
            return .success(state.issueTokens(for: grant, now: now))
        }
        switch result {
        case .success(let body): return SimulatorResponse.json(body)
        case .failure(let errcode): return SimulatorResponse.error(errcode.value)
        }
    }

    /// `/sns/oauth2/refresh_token?appid&grant_type=refresh_token&refresh_token` (no secret).
    func refreshToken(_ parameters: SimulatorQuery) -> Response {
        guard let appID = parameters.nonEmpty("appid") else { return SimulatorResponse.error(41002) }
        guard let refreshToken = parameters.nonEmpty("refresh_token") else { return SimulatorResponse.error(41003) }
        guard parameters["grant_type"] == "refresh_token" else { return SimulatorResponse.error(40002) }
        guard appsByID[appID] != nil else { return SimulatorResponse.error(40013) }
        let now = clock.now
        let result: Result<TokenBody, Errcode> = state.withLock { state in
            guard let grant = state.refreshTokens[refreshToken], grant.appID == appID else { return .failure(40030) }
            if now.timeIntervalSince(grant.issuedAt) >= SimulatorState.refreshTokenLifetime { return .failure(42002) }
            let accessToken = SimulatorIdentity.randomToken()
            var accessGrant = grant
            accessGrant.issuedAt = now
            state.sweep(now: now)
            state.accessTokens[accessToken] = accessGrant
            return .success(
                TokenBody(
                    access_token: accessToken, expires_in: Int(SimulatorState.accessTokenLifetime),
                    refresh_token: refreshToken, openid: grant.openID, scope: grant.scope, unionid: grant.unionID,
                    is_snapshotuser: grant.isSnapshotUser ? 1 : nil))
        }
        switch result {
        case .success(let body): return SimulatorResponse.json(body)
        case .failure(let errcode): return SimulatorResponse.error(errcode.value)
        }
    }

    /// `/sns/auth?access_token&openid` → `{"errcode":0,"errmsg":"ok"}`.
    func auth(_ parameters: SimulatorQuery) -> Response {
        switch validAccessGrant(parameters) {
        case .success: SimulatorResponse.ok()
        case .failure(let errcode): SimulatorResponse.error(errcode.value)
        }
    }

    /// `/sns/userinfo?access_token&openid&lang`. WECHAT.md §4: "Since late 2021 the login APIs no
    /// longer give real `sex` or region: expect `0` and empty strings."
    func userInfo(_ parameters: SimulatorQuery) -> Response {
        switch validAccessGrant(parameters) {
        case .failure(let errcode):
            return SimulatorResponse.error(errcode.value)
        case .success(let grant):
            let scopes = Set(grant.scope.split(separator: ",").map(String.init))
            guard !scopes.isDisjoint(with: ["snsapi_login", "snsapi_userinfo"]) else { return SimulatorResponse.error(48001) }
            let user = usersByID[grant.userID]
            return SimulatorResponse.json(
                UserInfoBody(
                    openid: grant.openID,
                    nickname: grant.isSnapshotUser ? "微信用户" : (user?.nickname ?? ""),
                    sex: 0, province: "", city: "", country: "",
                    headimgurl: grant.isSnapshotUser ? "" : (user?.headImageURL ?? ""),
                    privilege: [],
                    unionid: grant.unionID))
        }
    }

    /// 41001 / 41009 missing, 40014 unknown token, 42001 expired, 40003 openid mismatch.
    private func validAccessGrant(_ parameters: SimulatorQuery) -> Result<SimulatorState.Grant, Errcode> {
        guard let accessToken = parameters.nonEmpty("access_token") else { return .failure(41001) }
        guard let openID = parameters.nonEmpty("openid") else { return .failure(41009) }
        let now = clock.now
        guard let grant = state.withLock({ $0.accessTokens[accessToken] }) else { return .failure(40014) }
        if now.timeIntervalSince(grant.issuedAt) >= SimulatorState.accessTokenLifetime { return .failure(42001) }
        guard grant.openID == openID else { return .failure(40003) }
        return .success(grant)
    }

    private func makeGrant(app: SimulatedApp, userID: String, scope: String, now: Date, snapshot: Bool) -> SimulatorState.Grant {
        let openID =
            snapshot
            ? identity.snapshotOpenID(appID: app.appID, userID: userID)
            : identity.openID(appID: app.appID, userID: userID)
        // WECHAT.md §3: `snsapi_base` "returns only the openid (no unionid)".
        let unionID: String? =
            snapshot || scope == "snsapi_base" ? nil : app.openPlatformID.map { identity.unionID(openPlatformID: $0, userID: userID) }
        return .init(
            appID: app.appID, userID: userID, openID: openID, unionID: unionID, scope: scope, issuedAt: now,
            isSnapshotUser: snapshot)
    }

    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }

    /// An errcode as a `Result` failure.
    struct Errcode: Error, ExpressibleByIntegerLiteral {
        var value: Int
        init(integerLiteral value: Int) { self.value = value }
    }
}

extension SimulatorState {
    /// Stores a fresh access token and refresh token for `grant`.
    mutating func issueTokens(for grant: Grant, now: Date) -> WeChatSimulator.TokenBody {
        let accessToken = SimulatorIdentity.randomToken()
        let refreshToken = SimulatorIdentity.randomToken()
        sweep(now: now)
        accessTokens[accessToken] = grant
        refreshTokens[refreshToken] = grant
        return .init(
            access_token: accessToken, expires_in: Int(Self.accessTokenLifetime), refresh_token: refreshToken,
            openid: grant.openID, scope: grant.scope, unionid: grant.unionID,
            is_snapshotuser: grant.isSnapshotUser ? 1 : nil)
    }
}
