import Foundation
import Hummingbird

/// Official Account web authorization: `GET /connect/oauth2/authorize` (WECHAT.md §3).
extension WeChatSimulator {
    /// Checks as WeChat does, in this order: `appid` present (page 10012), parameter order (a
    /// blank page, as for `qrconnect`), a known Official Account appid (10012; another kind's
    /// appid gets 10005, WECHAT.md §7: "Using the website (Open Platform) appid inside the WeChat
    /// browser … fails with page errors"), the WeChat browser (`MicroMessenger` in the
    /// User-Agent, §3; elsewhere WeChat only says to open the link in WeChat), the callback
    /// domain (10003) and the scope (`snsapi_base` or `snsapi_userinfo`, 10005).
    ///
    /// `snsapi_base` is silent on WeChat: with an auto-approve user the simulator redirects at
    /// once; otherwise it asks which test user holds the phone. `snsapi_userinfo` shows the
    /// consent page unless a user is auto-approved and `forcePopup=true` is absent.
    func officialAccountAuthorize(_ request: Request) -> Response {
        let query = SimulatorQuery(request.uri.query)
        guard let appID = query.nonEmpty("appid") else {
            return SimulatorResponse.html(SimulatorPage.error(title: "缺少 appid 参数", code: 10012))
        }
        guard Self.hasWeChatParameterOrder(query.names) else {
            logger.debug("oauth2/authorize: parameters out of order; blank page", metadata: ["appid": "\(appID)"])
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody())
        }
        guard let app = appsByID[appID] else {
            return SimulatorResponse.html(SimulatorPage.error(title: "appid 参数错误", code: 10012))
        }
        guard app.kind == .officialAccount else {
            return SimulatorResponse.html(SimulatorPage.error(title: "Scope 参数错误或没有 Scope 权限", code: 10005))
        }
        guard Self.isWeChatBrowser(request.headers[.userAgent]) else {
            logger.info("oauth2/authorize: not the WeChat browser", metadata: ["appid": "\(appID)"])
            return SimulatorResponse.html(SimulatorPage.error(title: "请在微信客户端打开链接", code: nil))
        }
        guard query["response_type"] == "code" else {
            return SimulatorResponse.html(SimulatorPage.error(title: "response_type 参数错误", code: nil))
        }
        let redirectURI = query["redirect_uri"] ?? ""
        guard let domain = CallbackDomain(app.callbackDomain), domain.accepts(redirectURI: redirectURI) else {
            logger.info("oauth2/authorize: redirect_uri outside the callback domain", metadata: ["appid": "\(appID)"])
            return SimulatorResponse.html(SimulatorPage.error(title: "redirect_uri 参数错误", code: 10003))
        }
        let scope = query["scope"] ?? ""
        guard app.kind.allowedAuthorizeScopes.contains(scope) else {
            return SimulatorResponse.html(SimulatorPage.error(title: "Scope 参数错误或没有 Scope 权限", code: 10005))
        }
        let stateValue = query.nonEmpty("state")
        let forcePopup = query["forcePopup"] == "true"
        if let userID = autoApproveUserID, usersByID[userID] != nil, !(forcePopup && scope == "snsapi_userinfo") {
            let code = issueCode(appID: appID, userID: userID, scope: scope)
            logger.info("oauth2/authorize: auto-approved", metadata: ["appid": "\(appID)", "user": "\(userID)", "scope": "\(scope)"])
            return SimulatorResponse.redirect(
                to: Self.callbackURL(redirectURI, parameters: [("code", code)] + (stateValue.map { [("state", $0)] } ?? [])))
        }
        let ticket = SimulatorIdentity.randomTicket()
        let now = clock.now
        state.withLock {
            $0.sweep(now: now)
            $0.pendingLogins[ticket] = .init(appID: appID, redirectURI: redirectURI, state: stateValue, scope: scope, createdAt: now)
        }
        let users = configuration.users.map { SimulatorPage.QRUser(id: $0.id, nickname: $0.nickname, headImageURL: $0.headImageURL) }
        return SimulatorResponse.html(SimulatorPage.officialAccountConsent(appID: appID, ticket: ticket, scope: scope, users: users))
    }

    /// WECHAT.md §3: "Detect the in-app browser by `MicroMessenger` in the User-Agent
    /// (case-insensitive)."
    static func isWeChatBrowser(_ userAgent: String?) -> Bool {
        userAgent?.lowercased().contains("micromessenger") ?? false
    }
}
