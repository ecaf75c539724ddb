import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage
import WeChat

/// `GET|POST /authorize` (OIDC Core §3.1.2): validates the request, then answers it from the
/// browser's SSO session when `prompt`, `max_age` and `id_token_hint` allow, or stores it as a
/// pending authorization bound to this browser and sends the browser to WeChat.
struct AuthorizeController: Sendable {
    let env: ProviderEnvironment

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.get(RouterPath(ProviderMetadata.Path.authorization)) { request, _ in
            guard let parameters = HTTPHelpers.queryParameters(request) else {
                return env.pages.errorPage(title: "Invalid request", message: "The sign-in request is malformed.", code: "invalid_request")
            }
            return try await handle(parameters, request: request)
        }
        // OIDC Core §3.1.2.1: "Authorization Servers MUST support the use of the HTTP GET and
        // POST methods"; POST uses form serialization.
        router.post(RouterPath(ProviderMetadata.Path.authorization)) { request, _ in
            var request = request
            guard let parameters = try await HTTPHelpers.formParameters(&request, limit: env.settings.maxBodySize) else {
                return env.pages.errorPage(title: "Invalid request", message: "The sign-in request is malformed.", code: "invalid_request")
            }
            return try await handle(parameters, request: request)
        }
    }

    func handle(_ query: [(name: String, value: String)], request: Request) async throws -> Response {
        // OIDC Core §6 request objects and RFC 9126 pushed requests become plain parameters.
        let parameters: [(name: String, value: String)]
        let pushed: Bool
        switch try await RequestObjectResolver(env: env).resolve(query) {
        case .failure(let error):
            return try await refuseUnresolved(error, query: query)
        case .success(let resolved):
            parameters = resolved.parameters
            pushed = resolved.pushed
        }
        let authorization = AuthorizationRequest(parameters: parameters)
        let client: ClientDescription?
        if let id = authorization.clientID, !authorization.repeatedParameters.contains("client_id") {
            client = try await env.registeredClient(id: id)
        } else {
            client = nil
        }
        switch env.validator.validate(authorization, client: client) {
        case .failure(.errorPage(let error)):
            env.logger.info("authorization request refused with an error page", metadata: ["error": "\(error)"])
            return env.pages.errorPage(
                title: "This sign-in request cannot be completed",
                message: error.errorDescription ?? "The application sent an invalid request.",
                code: error.error
            )
        case .failure(.redirect(let error, let redirectURI, let state, let mode)):
            return env.responder.failure(redirectURI: redirectURI, error: error, state: state, mode: mode)
        case .success(let valid):
            // RFC 9126 §5/§6: "the authorization server MUST reject authorization requests
            // that do not originate from a pushed authorization request" when it or the client
            // requires them.
            if !pushed, env.settings.parRequired || valid.client.metadata.requirePushedAuthorizationRequests {
                return env.responder.failure(
                    redirectURI: valid.redirectURI, error: .invalidRequest("this client must use a pushed authorization request (RFC 9126)"),
                    state: valid.state, mode: valid.responseMode
                )
            }
            if let retryAfter = env.rateLimits.clientRetryAfter(valid.client.id) {
                return RateLimits.tooManyRequestsPage(pages: env.pages, retryAfter: retryAfter)
            }
            return try await answer(valid, request: request, parameters: parameters)
        }
    }

    /// A request object or pushed request that could not be used. The error goes back to the
    /// client when the plain parameters name it and one of its registered redirect URIs (OIDC
    /// Core §3.1.2.6), else it is shown as an error page.
    private func refuseUnresolved(_ error: OAuthError, query: [(name: String, value: String)]) async throws -> Response {
        let (values, _) = HTTPHelpers.dictionary(query)
        if let id = values["client_id"], let redirectURI = values["redirect_uri"],
           let client = try await env.registeredClient(id: id), client.redirectURIs.contains(redirectURI) {
            let mode = values["response_mode"].flatMap(ResponseMode.init(rawValue:)) ?? .query
            return env.responder.failure(redirectURI: redirectURI, error: error, state: values["state"], mode: mode)
        }
        env.logger.info("authorization request refused with an error page", metadata: ["error": "\(error)"])
        return env.pages.errorPage(
            title: "This sign-in request cannot be completed",
            message: error.errorDescription ?? "The application sent an invalid request.", code: error.error
        )
    }

    /// From the session, or through WeChat (OIDC Core §3.1.2.3).
    private func answer(
        _ valid: ValidatedAuthorization, request: Request, parameters: [(name: String, value: String)]
    ) async throws -> Response {
        func refuse(_ error: OAuthError) -> Response {
            env.responder.failure(redirectURI: valid.redirectURI, error: error, state: valid.state, mode: valid.responseMode)
        }
        var hintSubject: String?
        if let hint = valid.idTokenHint {
            guard let verified = await env.hintVerifier.verify(hint, jwksJSON: env.keys.current.jwksJSON) else {
                return refuse(.invalidRequest("id_token_hint is not an ID token issued by this provider"))
            }
            hintSubject = verified.subject
        }
        let session = try await env.browserSessions.current(request)
        let door = env.doors.browserDoor(userAgent: request.headers[.userAgent])
        let decision = SessionPolicy.decide(
            prompt: valid.prompt, maxAge: valid.maxAge,
            // The hint names the user by this client's subject (pairwise or public, OIDC Core §8).
            session: session.map { SessionPolicy.Session(userID: env.subjects.subject(userID: $0.userID, client: valid.client), authTime: $0.authTime) },
            hintSubject: hintSubject, now: env.clock.now()
        )
        switch decision {
        case .fail(let error):
            // Inside WeChat `prompt=none` can still be answered without any user interface:
            // WECHAT.md §3, `snsapi_base` is "silent, returns only the openid". The callback then
            // signs in only a person already known by that openid, else `login_required`.
            if let door, door is OfficialAccountDoor, valid.prompt.contains("none"), session == nil, hintSubject == nil,
               error.error == "login_required" {
                return try await startWeChatLogin(valid, door: door, silent: true, promptNone: true, request: request, parameters: parameters)
            }
            return refuse(error)
        case .reuse:
            guard let session else { return refuse(.loginRequired("the user must sign in with WeChat")) }
            let code = try await env.codeIssuer.issue(CodeIssuer.Grant(
                clientID: valid.client.id, redirectURI: valid.redirectURI, userID: session.userID,
                scopes: valid.scopes, nonce: valid.nonce, codeChallenge: valid.codeChallenge,
                codeChallengeMethod: valid.codeChallengeMethod, authTime: session.authTime, amr: session.amr,
                sessionID: session.id, acr: valid.acr, claims: valid.claims?.json
            ))
            return env.responder.success(redirectURI: valid.redirectURI, code: code, state: valid.state, mode: valid.responseMode)
        case .login:
            // `login.page: follow`: PC browsers follow the Official Account (WECHAT.md §5).
            if let follow = env.doors.followQR, !WeChatUserAgent.isWeChatBrowser(request.headers[.userAgent]) {
                return try await startFollowLogin(valid, door: follow, request: request, parameters: parameters)
            }
            guard let door else { return noBrowserDoorPage() }
            let silent = door is OfficialAccountDoor && Self.needsOnlyOpenID(valid) && !env.settings.requireUnionID
            return try await startWeChatLogin(valid, door: door, silent: silent, promptNone: false, request: request, parameters: parameters)
        }
    }

    /// Whether the request asks for nothing a WeChat profile or unionid would answer: scopes
    /// `openid` (and `offline_access`) only, no `claims` parameter. Then the Official Account
    /// door uses `snsapi_base` (WECHAT.md §3: "silent, returns only the openid").
    static func needsOnlyOpenID(_ valid: ValidatedAuthorization) -> Bool {
        valid.claims == nil && Set(valid.scopes).isSubset(of: ["openid", "offline_access"])
    }

    /// No browser door serves this browser: only an Official Account is configured and the
    /// browser is not WeChat's (or only the app and mini-program doors are configured).
    private func noBrowserDoorPage() -> Response {
        if env.doors.officialAccount != nil {
            return env.pages.errorPage(
                title: "Open this page in WeChat",
                message: "Signing in with WeChat works here only inside WeChat. Open this link in WeChat (请在微信客户端打开链接) to continue.",
                code: nil, status: .ok
            )
        }
        return env.pages.errorPage(
            title: "Browser sign-in is not available",
            message: "This sign-in service does not offer WeChat sign-in in a browser.", code: nil
        )
    }

    /// Stores the pending authorization and redirects to WeChat with a short alphanumeric
    /// `state` (shared/WECHAT.md §2), bound to this browser by a cookie.
    ///
    /// With `login.page: embedded` a door with an embedded QR gives the browser our login page
    /// instead (``EmbeddedLoginPage``); `parameters` let that page start the request again.
    private func startWeChatLogin(
        _ valid: ValidatedAuthorization, door: any WeChatLoginDoor, silent: Bool, promptNone: Bool, request: Request,
        parameters: [(name: String, value: String)]
    ) async throws -> Response {
        let (pending, cookies) = try await createPending(valid, door: door.name, promptNone: promptNone, request: request)
        let upstreamState = pending.upstreamState
        if env.settings.loginPage == .embedded, !promptNone {
            let language = LoginPageLanguage.choose(uiLocales: valid.uiLocales, acceptLanguage: request.headers[.acceptLanguage])
            if let qrURL = door.embeddedLoginURL(callbackURI: env.callbackURI, state: upstreamState, language: language) {
                var page = EmbeddedLoginPage.render(
                    pages: env.pages, client: valid.client, qrURL: qrURL, language: language,
                    expiresIn: env.settings.pendingAuthorizationLifetime,
                    authorizationEndpoint: env.metadata.authorizationEndpoint, parameters: parameters
                )
                for cookie in cookies { page.setCookie(cookie) }
                return page
            }
        }
        return HTTPHelpers.redirect(to: door.loginURL(callbackURI: env.callbackURI, state: upstreamState, silent: silent), cookies: cookies)
    }

    /// Stores the pending authorization for `door`, bound to this browser by a cookie (set
    /// now when the browser has none); the cookies to send come back with it.
    func createPending(
        _ valid: ValidatedAuthorization, door: String, promptNone: Bool, request: Request
    ) async throws -> (PendingAuthorization, [Cookie]) {
        let now = env.clock.now()
        var cookies: [Cookie] = []
        let browserValue: String
        if let existing = request.cookies[env.browserCookieName]?.value, BrowserBinding.isWellFormed(existing) {
            browserValue = existing
        } else {
            browserValue = env.random.token()
            cookies.append(BrowserBinding.cookie(name: env.browserCookieName, value: browserValue, secure: env.settings.usesHTTPS))
        }
        var extras: [String: String] = [:]
        if let acr = valid.acr { extras[PendingExtras.acr] = acr }
        if let claims = valid.claims { extras[PendingExtras.claims] = claims.json }
        if promptNone { extras[PendingExtras.promptNone] = "1" }
        let upstreamState = env.random.alphanumeric(length: 32)
        let pending = PendingAuthorization(
            upstreamState: upstreamState,
            browserBindingHash: SecretHash.sha256(browserValue),
            clientID: valid.client.id,
            redirectURI: valid.redirectURI,
            scopes: valid.scopes,
            state: valid.state,
            nonce: valid.nonce,
            codeChallenge: valid.codeChallenge,
            codeChallengeMethod: valid.codeChallengeMethod,
            responseMode: valid.responseMode.rawValue,
            door: door,
            extras: extras,
            createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(env.settings.pendingAuthorizationLifetime))
        )
        try await env.stores.authorizations.create(pending)
        return (pending, cookies)
    }
}

/// Keys of `PendingAuthorization.extras`: request values that travel through the WeChat leg.
enum PendingExtras {
    static let acr = "acr"
    static let claims = "claims"
    /// Present for a silent login answering `prompt=none` inside WeChat: the callback must not
    /// create an account, and answers `login_required` for an unknown person.
    static let promptNone = "prompt_none"
}
