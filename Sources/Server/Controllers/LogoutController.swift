import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage

/// `GET|POST /logout` — RP-Initiated Logout 1.0 (`end_session_endpoint`).
///
/// §2: the OP ends the browser's session and, with a valid `id_token_hint` and a
/// `post_logout_redirect_uri` registered for that client (§3.1, exact match), redirects there
/// with `state`. Otherwise it shows a logged-out page: "the OP MUST NOT perform post-logout
/// redirection unless the OP has other means of confirming the legitimacy of the post-logout
/// redirection target" — so an invalid hint or an unregistered URI is an error page, never an
/// open redirect. Every client of the ended session that registered a `backchannel_logout_uri`
/// is told (Back-Channel Logout 1.0).
struct LogoutController: Sendable {
    let env: ProviderEnvironment

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.get(RouterPath(ProviderMetadata.Path.endSession)) { request, _ in
            guard let parameters = HTTPHelpers.queryParameters(request) else { return malformed() }
            return try await handle(parameters, request: request)
        }
        // §2: "OPs MUST support the use of the HTTP GET and POST methods".
        router.post(RouterPath(ProviderMetadata.Path.endSession)) { request, _ in
            var request = request
            guard let parameters = try await HTTPHelpers.formParameters(&request, limit: env.settings.maxBodySize) else {
                return malformed()
            }
            return try await handle(parameters, request: request)
        }
    }

    func handle(_ parameters: [(name: String, value: String)], request: Request) async throws -> Response {
        let (values, repeated) = HTTPHelpers.dictionary(parameters)
        guard repeated.isEmpty, values.values.allSatisfy({ $0.utf8.count <= 16 * 1024 }) else { return malformed() }
        func value(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

        var hint: IDTokenHintVerifier.Hint?
        if let token = value("id_token_hint") {
            guard let verified = await env.hintVerifier.verify(token, jwksJSON: env.keys.current.jwksJSON) else {
                return refuse("The sign-out request carries an ID token that this service did not issue.")
            }
            hint = verified
        }
        // §2 client_id: "When both client_id and id_token_hint are present, the OP MUST verify
        // that the Client Identifier matches the one used when issuing the ID Token."
        var clientID = value("client_id")
        if let hint {
            if let clientID, !hint.audiences.contains(clientID) {
                return refuse("The sign-out request names another application than its ID token.")
            }
            clientID = clientID ?? hint.audiences.first
        }
        var redirect: String?
        if let target = value("post_logout_redirect_uri") {
            guard hint != nil, let clientID, let client = try await env.client(id: clientID),
                  client.metadata.postLogoutRedirectURIs.contains(target)
            else {
                return refuse("The application asked to return to an address it has not registered.")
            }
            redirect = target
        }

        var cookies: [Cookie] = []
        if let session = try await env.browserSessions.current(request) {
            // A hint for another user does not end this user's session.
            var sameUser = hint == nil
            if let hint {
                // A pairwise client's ID token names the user by the client's own subject.
                let hintClient = try await clientID.asyncMap { try await env.client(id: $0) }
                let expected = hintClient.map { env.subjects.subject(userID: session.userID, client: $0) } ?? session.userID
                sameUser = hint.subject == expected
            }
            if sameUser {
                let clients = try await env.stores.sessions.clientIDs(sessionID: session.id)
                try await env.stores.sessions.delete(id: session.id)
                BackchannelLogoutNotifier(env: env).notify(session: session, clientIDs: clients)
                cookies.append(SessionCookie.clearing(secure: env.settings.usesHTTPS))
            }
        }
        if let redirect {
            var parameters: [(String, String)] = []
            if let state = value("state") { parameters.append(("state", state)) }
            return HTTPHelpers.redirect(to: AuthorizationResponse.append(parameters, to: redirect), cookies: cookies)
        }
        let clientName = try await clientID.asyncMap { try await env.client(id: $0)?.name }
        var response = env.pages.render("logged-out", ["title": "Signed out", "clientName": clientName ?? ""])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    private func malformed() -> Response {
        env.pages.errorPage(title: "Sign-out failed", message: "The sign-out request is malformed.", code: "invalid_request")
    }

    private func refuse(_ message: String) -> Response {
        env.pages.errorPage(title: "Sign-out request refused", message: message, code: "invalid_request")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
