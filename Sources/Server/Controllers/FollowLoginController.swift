import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage
import WeChat

/// The browser's side of "follow the Official Account to log in" (`login.page: follow`,
/// WECHAT.md §5.4): "The browser that shows the QR learns of the scan from the server (polling
/// or server-sent events) **by its own session**, never by an openid carried in the browser".
///
/// - `GET /login/follow-status?scene=…` answers `{"status":"waiting|scanned|done|expired"}`, or
///   403 `{"status":"refused"}` for an unknown scene or one shown in another browser (the
///   browser-binding cookie must match the one that started the login).
/// - `GET /login/follow-complete?scene=…` (where the page's script goes once scanned): the scene
///   moves to done exactly once, the person is read with `/cgi-bin/user/info` and the shared
///   global token (§5.5), and the RP gets its code like from every other door.
struct FollowLoginController: Sendable {
    let env: ProviderEnvironment
    let door: FollowQRDoor

    private struct Status: Encodable {
        var status: String
    }

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.get(RouterPath(FollowLoginPage.statusPath)) { request, _ in try await status(request) }
        router.get(RouterPath(FollowLoginPage.completePath)) { request, _ in try await complete(request) }
    }

    func status(_ request: Request) async throws -> Response {
        guard let scene = try await ownScene(request) else {
            return HTTPHelpers.json(Status(status: "refused"), status: .forbidden, noStore: true)
        }
        return HTTPHelpers.json(Status(status: scene.status(at: env.clock.now()).rawValue), noStore: true)
    }

    func complete(_ request: Request) async throws -> Response {
        guard let scene = try await ownScene(request) else {
            return failedPage("This sign-in was started in another browser or is unknown. Please start again from the application.")
        }
        let now = env.clock.now()
        // Single use: only one request moves a scanned scene to done.
        guard let done = try await env.stores.followScenes.complete(id: scene.id, now: now), let openID = done.openID else {
            switch scene.status(at: now) {
            case .waiting: return failedPage("The QR code has not been scanned yet. Go back and scan it with WeChat.")
            case .expired: return failedPage("This sign-in has expired. Please start again.")
            case .scanned, .done: return failedPage("This sign-in was already used. Please start again from the application.")
            }
        }
        guard let pending = try await env.stores.authorizations.consume(upstreamState: done.upstreamState, now: now) else {
            return failedPage("This sign-in has expired or was already used. Please start again.")
        }
        let identity: WeChatIdentity
        do {
            identity = try await door.tokens(store: env.stores.globalTokens, clock: env.clock, sealer: env.sealer).withToken { token in
                try await door.identity(openID: openID, accessToken: token)
            }
        } catch let error as WeChatError {
            env.logger.warning("follow login failed at user/info", metadata: ["errcode": "\(error.errcode.map(String.init) ?? "none")", "category": "\(error.category)"])
            return refuse(CallbackController.oauthError(for: error), pending: pending)
        } catch is GlobalTokenCache.Unavailable {
            return refuse(.temporarilyUnavailable("WeChat is not available right now; please try again"), pending: pending)
        }
        return try await LoginFinisher(env: env).finish(identity: identity, pending: pending, amr: FollowQRDoor.amr, request: request, afterUpstream: false)
    }

    /// The scene named by the single `scene` parameter, when it exists and this browser's
    /// binding cookie is the one that started it; `nil` otherwise (unknown and foreign scenes
    /// are refused alike, so another browser learns nothing).
    private func ownScene(_ request: Request) async throws -> FollowScene? {
        guard let parameters = HTTPHelpers.queryParameters(request) else { return nil }
        let (values, repeated) = HTTPHelpers.dictionary(parameters)
        guard repeated.isEmpty, let id = values["scene"], FollowQRDoor.isWellFormedScene(id),
              let cookie = request.cookies[env.browserCookieName]?.value, BrowserBinding.isWellFormed(cookie),
              let scene = try await env.stores.followScenes.scene(id: id),
              SecretHash.matches(cookie, hash: scene.browserBindingHash)
        else { return nil }
        return scene
    }

    private func refuse(_ error: OAuthError, pending: PendingAuthorization) -> Response {
        env.metrics.recordLogin(door: FollowQRDoor.amr, outcome: "failed")
        let mode = ResponseMode(rawValue: pending.responseMode) ?? .query
        return env.responder.failure(redirectURI: pending.redirectURI, error: error, state: pending.state, mode: mode)
    }

    private func failedPage(_ message: String) -> Response {
        env.pages.errorPage(title: "Sign-in failed", message: message, code: "invalid_request")
    }
}
