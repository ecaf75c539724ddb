import Foundation
import Hummingbird
import OIDC
import Storage

/// The last steps every browser door shares once WeChat named the person: the person is found
/// or created from the identity keys (unionid first, WECHAT.md §7), a browser session starts,
/// and the authorization code goes back to the RP (RFC 6749 §4.1.2) in the pending request's
/// response mode.
struct LoginFinisher {
    let env: ProviderEnvironment

    /// - Parameter afterUpstream: the browser arrives from a WeChat page (see
    ///   ``AuthorizationResponder/success(redirectURI:code:state:mode:cookies:afterUpstream:)``).
    func finish(
        identity: WeChatIdentity, pending: PendingAuthorization, amr: String, request: Request, afterUpstream: Bool = true
    ) async throws -> Response {
        let mode = ResponseMode(rawValue: pending.responseMode) ?? .query
        // A silent `prompt=none` login, and with `identity.require_unionid` a login without a
        // unionid, may only sign in a person already known: neither creates an account.
        let promptNone = pending.extras[PendingExtras.promptNone] != nil
        if promptNone || (env.settings.requireUnionID && !identity.hasUnionID) {
            guard try await env.stores.users.user(identifiedBy: identity.keys) != nil else {
                env.metrics.recordLogin(door: amr, outcome: "failed")
                let error: OAuthError = promptNone
                    ? .loginRequired("the user must sign in with WeChat")
                    : .accessDenied("this WeChat account cannot be used here: WeChat did not name it across apps (no unionid)")
                return env.responder.failure(redirectURI: pending.redirectURI, error: error, state: pending.state, mode: mode, afterUpstream: afterUpstream)
            }
        }
        let now = env.clock.now()
        let user = try await env.stores.users.findOrCreate(
            identities: identity.keys, profile: identity.profile,
            newUserID: env.random.alphanumeric(length: 24), now: now
        )
        let (session, sessionCookie) = try await env.browserSessions.start(userID: user.id, amr: [amr], replacing: request)
        let authorizationCode = try await env.codeIssuer.issue(CodeIssuer.Grant(
            clientID: pending.clientID, redirectURI: pending.redirectURI, userID: user.id,
            scopes: pending.scopes, nonce: pending.nonce, codeChallenge: pending.codeChallenge,
            codeChallengeMethod: pending.codeChallengeMethod, authTime: session.authTime, amr: [amr],
            sessionID: session.id, acr: pending.extras[PendingExtras.acr], claims: pending.extras[PendingExtras.claims]
        ))
        env.metrics.recordLogin(door: amr, outcome: "success")
        return env.responder.success(
            redirectURI: pending.redirectURI, code: authorizationCode, state: pending.state, mode: mode, cookies: [sessionCookie],
            afterUpstream: afterUpstream
        )
    }
}
