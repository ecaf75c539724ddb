import Foundation
import Hummingbird

/// The website-app browser door: `GET /connect/qrconnect` (WECHAT.md §2).
extension WeChatSimulator {
    /// WECHAT.md §2: "Send the parameters in exactly this order, then `lang` … Reordered parameters
    /// have produced blank pages in practice."
    static let qrConnectLeadingParameters = ["appid", "redirect_uri", "response_type", "scope"]
    static let maxFormBytes = 16 * 1024

    func qrConnect(_ request: Request) -> Response {
        let query = SimulatorQuery(request.uri.query)
        guard let appID = query.nonEmpty("appid") else {
            return SimulatorResponse.html(SimulatorPage.error(title: "缺少 appid 参数", code: 10012))
        }
        guard Self.hasWeChatParameterOrder(query.names) else {
            logger.debug("qrconnect: parameters out of order; blank page", metadata: ["appid": "\(appID)"])
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody())
        }
        guard let app = appsByID[appID] else {
            return SimulatorResponse.html(SimulatorPage.error(title: "appid 参数错误", code: 10012))
        }
        guard query["response_type"] == "code" else {
            return SimulatorResponse.html(SimulatorPage.error(title: "response_type 参数错误", code: nil))
        }
        let redirectURI = query["redirect_uri"] ?? ""
        guard let domain = CallbackDomain(app.callbackDomain), domain.accepts(redirectURI: redirectURI) else {
            logger.info("qrconnect: redirect_uri outside the callback domain", metadata: ["appid": "\(appID)"])
            return SimulatorResponse.html(SimulatorPage.error(title: "redirect_uri 参数错误", code: 10003))
        }
        let scope = query["scope"] ?? ""
        guard app.kind == .website, app.kind.allowedAuthorizeScopes.contains(scope) else {
            return SimulatorResponse.html(SimulatorPage.error(title: "Scope 参数错误或没有 Scope 权限", code: 10005))
        }
        let stateValue = query.nonEmpty("state")
        // WECHAT.md §2: the embedded QR (`wxLogin.js`) is this page in an iframe with
        // `login_type=jssdk`; with `self_redirect=false` the *top* window goes to redirect_uri.
        let redirectsTop = query["login_type"] == "jssdk" && query["self_redirect"] != "true"

        if let userID = autoApproveUserID, usersByID[userID] != nil {
            let code = issueCode(appID: appID, userID: userID, scope: scope)
            logger.info("qrconnect: auto-approved", metadata: ["appid": "\(appID)", "user": "\(userID)"])
            let callback = Self.callbackURL(redirectURI, parameters: [("code", code)] + (stateValue.map { [("state", $0)] } ?? []))
            return redirectsTop ? SimulatorResponse.html(SimulatorPage.topRedirect(to: callback)) : SimulatorResponse.redirect(to: callback)
        }

        let ticket = SimulatorIdentity.randomTicket()
        let now = clock.now
        state.withLock {
            $0.sweep(now: now)
            $0.pendingLogins[ticket] = .init(appID: appID, redirectURI: redirectURI, state: stateValue, scope: scope, createdAt: now)
        }
        let users = configuration.users.map { SimulatorPage.QRUser(id: $0.id, nickname: $0.nickname, headImageURL: $0.headImageURL) }
        return SimulatorResponse.html(SimulatorPage.qrConnect(appID: appID, ticket: ticket, users: users, formTarget: redirectsTop ? "_top" : nil))
    }

    /// `POST /connect/qrconnect/confirm` and `POST /connect/oauth2/authorize/confirm` (form: `ticket`,
    /// and `user`, `cancel`, or — for `snsapi_userinfo` — `snapshot` naming a user).
    ///
    /// Confirm → `redirect_uri?code=CODE&state=STATE`. Cancel → `redirect_uri?state=STATE` with no
    /// code (WECHAT.md §2: "older docs say WeChat redirects with `state` and no `code`").
    func confirmQRConnect(_ request: Request, context: some RequestContext) async -> Response {
        var request = request
        let form: SimulatorQuery
        do {
            let buffer = try await request.collectBody(upTo: Self.maxFormBytes)
            form = SimulatorQuery(String(buffer: buffer))
        } catch {
            return Response(status: .contentTooLarge)
        }
        let now = clock.now
        let pending: SimulatorState.PendingLogin? = form.nonEmpty("ticket").flatMap { ticket in
            state.withLock { $0.pendingLogins.removeValue(forKey: ticket) }
        }
        guard let pending, now.timeIntervalSince(pending.createdAt) < SimulatorState.pendingLoginLifetime else {
            return SimulatorResponse.html(SimulatorPage.error(title: "二维码已失效，请刷新页面重试", code: nil))
        }
        let stateParameter = pending.state.map { [("state", $0)] } ?? []
        if form["cancel"] != nil {
            logger.info("qrconnect: user cancelled", metadata: ["appid": "\(pending.appID)"])
            return SimulatorResponse.redirect(to: Self.callbackURL(pending.redirectURI, parameters: stateParameter))
        }
        // The Official Account consent page also offers the snapshot page (WECHAT.md §3, 快照页).
        let snapshotUserID = pending.scope == "snsapi_userinfo" ? form.nonEmpty("snapshot") : nil
        guard let userID = snapshotUserID ?? form.nonEmpty("user"), usersByID[userID] != nil else {
            return SimulatorResponse.html(SimulatorPage.error(title: "用户不存在", code: nil))
        }
        let code = issueCode(appID: pending.appID, userID: userID, scope: pending.scope, snapshot: snapshotUserID != nil)
        logger.info("qrconnect: user confirmed", metadata: ["appid": "\(pending.appID)", "user": "\(userID)"])
        return SimulatorResponse.redirect(to: Self.callbackURL(pending.redirectURI, parameters: [("code", code)] + stateParameter))
    }

    func issueCode(appID: String, userID: String, scope: String, snapshot: Bool = false) -> String {
        let code = SimulatorIdentity.randomCode()
        let now = clock.now
        state.withLock {
            $0.sweep(now: now)
            $0.codes[code] = .init(appID: appID, userID: userID, scope: scope, issuedAt: now, used: false, snapshot: snapshot)
        }
        return code
    }

    /// `appid, redirect_uri, response_type, scope` first, in this order; `state`, if present, next;
    /// anything else (`lang`, the `wxLogin.js` parameters) after.
    static func hasWeChatParameterOrder(_ names: [String]) -> Bool {
        guard names.count >= qrConnectLeadingParameters.count,
            Array(names.prefix(qrConnectLeadingParameters.count)) == qrConnectLeadingParameters
        else { return false }
        let rest = names.dropFirst(qrConnectLeadingParameters.count)
        if let stateIndex = rest.firstIndex(of: "state"), stateIndex != rest.startIndex { return false }
        return !rest.contains { qrConnectLeadingParameters.contains($0) }
    }

    /// `redirectURI` plus parameters, joined with `?` or `&` as the URI needs.
    static func callbackURL(_ redirectURI: String, parameters: [(String, String)]) -> String {
        guard !parameters.isEmpty else { return redirectURI }
        let encoded = parameters.map { "\($0.0)=\(SimulatorQuery.encode($0.1))" }.joined(separator: "&")
        let separator: String
        if !redirectURI.contains("?") {
            separator = "?"
        } else if redirectURI.hasSuffix("?") || redirectURI.hasSuffix("&") {
            separator = ""
        } else {
            separator = "&"
        }
        return redirectURI + separator + encoded
    }
}
