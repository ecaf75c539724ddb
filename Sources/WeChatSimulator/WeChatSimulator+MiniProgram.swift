import Foundation
import Hummingbird

/// The SDK doors: mobile-app and mini-program codes (WECHAT.md §6).
extension WeChatSimulator {
    struct SessionBody: Encodable {
        var openid: String
        var session_key: String
        var unionid: String?
    }

    /// `/sns/jscode2session?appid&secret&js_code&grant_type=authorization_code` →
    /// `openid, session_key, unionid?` (WECHAT.md §4). Only a mini program's appid (40013
    /// otherwise); a code of another app, an unknown or an expired code (5 minutes) is 40029, a
    /// used one 40163.
    func jsCode2Session(_ parameters: SimulatorQuery) -> Response {
        guard let appID = parameters.nonEmpty("appid") else { return SimulatorResponse.error(41002) }
        guard let secret = parameters.nonEmpty("secret") else { return SimulatorResponse.error(41004) }
        guard let code = parameters.nonEmpty("js_code") else { return SimulatorResponse.error(41008) }
        guard let app = appsByID[appID], app.kind == .miniProgram else { return SimulatorResponse.error(40013) }
        guard Self.constantTimeEquals(secret, app.secret) else { return SimulatorResponse.error(40125) }
        guard parameters["grant_type"] == "authorization_code" else { return SimulatorResponse.error(40002) }
        let now = clock.now
        let result: Result<SessionBody, Errcode> = state.withLock { state in
            guard var issued = state.codes[code], issued.appID == appID, issued.scope == SimulatorState.jsCodeScope else { return .failure(40029) }
            if issued.used { return .failure(40163) }
            if now.timeIntervalSince(issued.issuedAt) >= SimulatorState.jsCodeLifetime { return .failure(40029) }
            issued.used = true
            state.codes[code] = issued
            return .success(SessionBody(
                openid: identity.openID(appID: appID, userID: issued.userID),
                session_key: Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(),
                unionid: app.openPlatformID.map { identity.unionID(openPlatformID: $0, userID: issued.userID) }
            ))
        }
        switch result {
        case .success(let body): return SimulatorResponse.json(body)
        case .failure(let errcode): return SimulatorResponse.error(errcode.value)
        }
    }

    /// The errors of ``mintSDKCode(appID:userID:)``.
    public enum SDKCodeError: Error, Sendable, Equatable {
        case unknownApp, notAnSDKApp, unknownUser
    }

    /// A code as the WeChat OpenSDK (`SendAuth.Req`, scope `snsapi_userinfo`) hands a mobile app,
    /// or as `wx.login()` hands a mini program (a `js_code` for `/sns/jscode2session`), for
    /// `userID` — what a phone would do, without one.
    public func mintSDKCode(appID: String, userID: String) throws(SDKCodeError) -> String {
        guard let app = appsByID[appID] else { throw .unknownApp }
        guard usersByID[userID] != nil else { throw .unknownUser }
        switch app.kind {
        case .mobile: return issueCode(appID: appID, userID: userID, scope: "snsapi_userinfo")
        case .miniProgram: return issueCode(appID: appID, userID: userID, scope: SimulatorState.jsCodeScope)
        case .website, .officialAccount: throw .notAnSDKApp
        }
    }
}
