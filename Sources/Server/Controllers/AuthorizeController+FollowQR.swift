import Foundation
import Hummingbird
import OIDC
import Storage
import WeChat

extension AuthorizeController {
    /// `login.page: follow` (WECHAT.md §5): stores the pending authorization and a one-time scene
    /// bound to it and to this browser, creates the Official Account's parametric QR
    /// (`QR_STR_SCENE`, `scene_str` = the scene, `expire_seconds` = the scene's lifetime) with the
    /// shared global token, and shows ``FollowLoginPage``.
    func startFollowLogin(
        _ valid: ValidatedAuthorization, door: FollowQRDoor, request: Request, parameters: [(name: String, value: String)]
    ) async throws -> Response {
        let (pending, cookies) = try await createPending(valid, door: FollowQRDoor.name, promptNone: false, request: request)
        let now = env.clock.now()
        let lifetime = min(FollowQRDoor.maxSceneLifetime, env.settings.pendingAuthorizationLifetime)
        let scene = FollowScene(
            id: env.random.alphanumeric(length: FollowQRDoor.sceneLength), upstreamState: pending.upstreamState,
            browserBindingHash: pending.browserBindingHash, createdAt: now, expiresAt: now.addingTimeInterval(TimeInterval(lifetime))
        )
        try await env.stores.followScenes.create(scene)
        let imageURL: String
        do {
            imageURL = try await door.tokens(store: env.stores.globalTokens, clock: env.clock, sealer: env.sealer).withToken { token in
                try await door.qrImageURL(scene: scene.id, expireSeconds: lifetime, accessToken: token)
            }
        } catch let error as WeChatError {
            env.logger.warning("follow QR could not be created", metadata: ["errcode": "\(error.errcode.map(String.init) ?? "none")", "category": "\(error.category)"])
            return try await refuseFollow(pending, valid, CallbackController.oauthError(for: error))
        } catch is GlobalTokenCache.Unavailable {
            env.logger.warning("follow QR could not be created: the global access_token is not available")
            return try await refuseFollow(pending, valid, .temporarilyUnavailable("WeChat is not available right now; please try again"))
        }
        let language = LoginPageLanguage.choose(uiLocales: valid.uiLocales, acceptLanguage: request.headers[.acceptLanguage])
        var page = FollowLoginPage.render(
            pages: env.pages, client: valid.client, qrImageURL: imageURL, scene: scene.id, language: language,
            expiresIn: lifetime, authorizationEndpoint: env.metadata.authorizationEndpoint, parameters: parameters
        )
        for cookie in cookies { page.setCookie(cookie) }
        return page
    }

    /// The QR could not be made: the pending login is dropped and the RP told why.
    private func refuseFollow(_ pending: PendingAuthorization, _ valid: ValidatedAuthorization, _ error: OAuthError) async throws -> Response {
        _ = try await env.stores.authorizations.consume(upstreamState: pending.upstreamState, now: env.clock.now())
        env.metrics.recordLogin(door: FollowQRDoor.amr, outcome: "failed")
        return env.responder.failure(redirectURI: valid.redirectURI, error: error, state: valid.state, mode: valid.responseMode)
    }
}
