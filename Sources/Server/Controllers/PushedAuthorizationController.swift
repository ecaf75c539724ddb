import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage

/// `POST /par` — OAuth 2.0 Pushed Authorization Requests (RFC 9126).
///
/// §2.1: the client authenticates as at the token endpoint and sends the authorization request
/// parameters in the body; "The authorization server MUST validate the request in the same way
/// as at the authorization endpoint". §2.2: 201 with a one-time `request_uri` and `expires_in`.
/// §2.3: errors as at the token endpoint.
struct PushedAuthorizationController: Sendable {
    let env: ProviderEnvironment

    /// Client authentication parameters: they authenticate the push and are not part of the
    /// authorization request.
    static let authenticationParameters: Set<String> = ["client_secret", "client_assertion", "client_assertion_type"]

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.post(RouterPath(ProviderMetadata.Path.pushedAuthorizationRequest)) { request, _ in
            var request = request
            return try await handle(&request)
        }
    }

    func handle(_ request: inout Request) async throws -> Response {
        guard let parameters = try await HTTPHelpers.formParameters(&request, limit: env.settings.maxBodySize) else {
            return reply(.invalidRequest("the body must be application/x-www-form-urlencoded"))
        }
        let (form, repeated) = HTTPHelpers.dictionary(parameters)
        if let name = repeated.sorted().first {
            return reply(.invalidRequest("parameter \(name) was sent more than once"))
        }
        let client: ClientDescription
        switch try await ClientAuthenticator(env: env).authenticate(
            authorizationHeader: request.headers[.authorization], form: form, endpoint: ProviderMetadata.Path.pushedAuthorizationRequest
        ) {
        case .failure(let error): return reply(error)
        case .success(let authenticated): client = authenticated
        }
        // §2.1: "The request_uri authorization request parameter is one exception, and it MUST
        // NOT be provided."
        if form["request_uri"] != nil {
            return reply(.invalidRequest("request_uri must not be pushed"))
        }
        var pushedParameters = parameters.filter { !Self.authenticationParameters.contains($0.name) && $0.name != "client_id" }
        pushedParameters.append((name: "client_id", value: client.id))
        // §3: a request object may be pushed; its values are the request.
        if let jwt = form["request"], !jwt.isEmpty {
            guard env.settings.requestObjectByValue else { return reply(.requestNotSupported("the request parameter is not supported")) }
            switch try await RequestObjectResolver(env: env).verify(jwt, query: pushedParameters, client: client) {
            case .failure(let error): return reply(error)
            case .success(let merged): pushedParameters = merged
            }
        }
        switch env.validator.validate(AuthorizationRequest(parameters: pushedParameters), client: client) {
        case .failure(.errorPage(let error)), .failure(.redirect(let error, _, _, _)):
            return reply(error)
        case .success:
            break
        }
        let now = env.clock.now()
        let requestURI = RequestObjectRules.pushedRequestURIPrefix + env.random.token()
        try await env.stores.pushedAuthorizations.create(PushedAuthorizationRecord(
            requestURI: requestURI, clientID: client.id, parameters: pushedParameters.map { [$0.name, $0.value] },
            createdAt: now, expiresAt: now.addingTimeInterval(TimeInterval(env.settings.parLifetime))
        ))
        return HTTPHelpers.json(PushedAuthorizationResponse(requestURI: requestURI, expiresIn: env.settings.parLifetime), status: .created, noStore: true)
    }

    private func reply(_ error: OAuthError) -> Response {
        HTTPHelpers.oauthError(error, extraHeaders: error.error == "invalid_client" ? [(.wwwAuthenticate, #"Basic realm="wechat-oidc""#)] : [])
    }
}

/// RFC 9126 §2.2.
struct PushedAuthorizationResponse: Encodable {
    let requestURI: String
    let expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case requestURI = "request_uri"
        case expiresIn = "expires_in"
    }
}
