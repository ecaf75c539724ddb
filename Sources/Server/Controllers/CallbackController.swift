import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage
import WeChat

/// `GET /callback/wechat`: WeChat sends the browser back here with `code` and `state`.
struct CallbackController: Sendable {
    let env: ProviderEnvironment

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.get(RouterPath(ProviderMetadata.Path.wechatCallback)) { request, _ in
            try await handle(request)
        }
    }

    func handle(_ request: Request) async throws -> Response {
        guard let parameters = HTTPHelpers.queryParameters(request) else {
            return failedPage("The response from WeChat is malformed.")
        }
        let (values, repeated) = HTTPHelpers.dictionary(parameters)
        guard repeated.isEmpty, let state = values["state"], !state.isEmpty, state.utf8.count <= 128,
              state.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else {
            return failedPage("The response from WeChat is malformed.")
        }
        // The state must be ours, unexpired, and started by this browser; otherwise the
        // redirect URI cannot be trusted for this browser, so show a page (no redirect).
        guard let pending = try await env.stores.authorizations.consume(upstreamState: state, now: env.clock.now()) else {
            return failedPage("This sign-in has expired or was already used. Please start again.")
        }
        guard let cookie = request.cookies[env.browserCookieName]?.value,
              SecretHash.matches(cookie, hash: pending.browserBindingHash)
        else {
            env.logger.warning("WeChat callback from a browser that did not start the login", metadata: ["client_id": "\(pending.clientID)"])
            return failedPage("This sign-in was started in another browser. Please start again from the application.")
        }
        let amr = WeChatDoors.amr(forDoor: pending.door)
        // shared/WECHAT.md §2: a callback without `code` is a denial.
        guard let code = values["code"], !code.isEmpty, code.utf8.count <= 512 else {
            env.metrics.recordLogin(door: amr, outcome: "denied")
            return redirectError(.accessDenied("the user declined to sign in with WeChat"), pending: pending)
        }
        guard let door = env.doors.door(named: pending.door) else {
            env.logger.error("WeChat callback for a door that is not configured", metadata: ["door": "\(pending.door)"])
            env.metrics.recordLogin(door: amr, outcome: "failed")
            return redirectError(.serverError("the WeChat login failed"), pending: pending)
        }
        let identity: WeChatIdentity
        do {
            identity = try await door.identity(fromCode: code)
        } catch {
            env.logger.warning("WeChat login failed", metadata: ["errcode": "\(error.errcode.map(String.init) ?? "none")", "category": "\(error.category)"])
            env.metrics.recordLogin(door: amr, outcome: "failed")
            if error.category == .snapshotUser {
                return try await snapshotPage(pending: pending, door: door)
            }
            return redirectError(Self.oauthError(for: error), pending: pending)
        }
        return try await LoginFinisher(env: env).finish(identity: identity, pending: pending, amr: amr, request: request)
    }

    private static func mode(_ pending: PendingAuthorization) -> ResponseMode {
        ResponseMode(rawValue: pending.responseMode) ?? .query
    }

    /// WECHAT.md §3: a snapshot-page (快照页) identity is virtual: "Never create or link an
    /// account from such a response; tell the user to tap "使用完整服务" (use the full service)
    /// and try again." The login starts over under a new state, bound to the same browser.
    private func snapshotPage(pending: PendingAuthorization, door: any WeChatLoginDoor) async throws -> Response {
        let now = env.clock.now()
        var retry = pending
        retry.upstreamState = env.random.alphanumeric(length: 32)
        retry.createdAt = now
        retry.expiresAt = now.addingTimeInterval(TimeInterval(env.settings.pendingAuthorizationLifetime))
        try await env.stores.authorizations.create(retry)
        let retryURL = door.loginURL(callbackURI: env.callbackURI, state: retry.upstreamState, silent: false)
        return env.pages.render("snapshot", ["title": "Open the full page to sign in", "retryURL": retryURL])
    }

    /// WeChat failures as OAuth errors for the RP (RFC 6749 §4.1.2.1).
    static func oauthError(for error: WeChatError) -> OAuthError {
        switch error.category {
        case .systemBusy, .quota, .transport:
            return .temporarilyUnavailable("WeChat is not available right now; please try again")
        case .invalidCode, .codeUsed, .expired, .invalidToken:
            return .accessDenied("the WeChat login could not be completed; please start again")
        case .denied, .snapshotUser:
            return .accessDenied("WeChat did not authorize this login")
        default:
            // Configuration errors, malformed responses, unknown errcodes.
            return .serverError("the WeChat login failed")
        }
    }

    private func redirectError(_ error: OAuthError, pending: PendingAuthorization) -> Response {
        env.responder.failure(redirectURI: pending.redirectURI, error: error, state: pending.state, mode: Self.mode(pending), afterUpstream: true)
    }

    private func failedPage(_ message: String) -> Response {
        env.pages.errorPage(title: "Sign-in failed", message: message, code: "invalid_request")
    }
}
