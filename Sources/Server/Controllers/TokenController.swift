import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage

/// `POST /token` (RFC 6749 §3.2): the `authorization_code` grant (§4.1.3, OIDC Core §3.1.3)
/// the `refresh_token` grant (§6, OIDC Core §12) and, when a mobile app or mini program is
/// configured, token exchange (RFC 8693) of WeChat SDK codes.
struct TokenController: Sendable {
    let env: ProviderEnvironment

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.post(RouterPath(ProviderMetadata.Path.token)) { request, _ in
            var request = request
            return try await handle(&request)
        }
    }

    func handle(_ request: inout Request) async throws -> Response {
        let form: [String: String]
        switch try await HTTPHelpers.singleValuedForm(&request, limit: env.settings.maxBodySize) {
        case .failure(let error): return reply(error)
        case .success(let parameters): form = parameters
        }
        guard let grantType = form["grant_type"], !grantType.isEmpty else {
            return reply(.invalidRequest("grant_type is missing"))
        }
        // The code grant may authenticate against a remembered client, confirmed by the
        // statement that redeems the code (`VerifiedClientCache`); the other grants read it.
        let provisional: ClientAuthenticator.Provisional
        let authenticator = ClientAuthenticator(env: env)
        let authorization = request.headers[.authorization]
        let authentication = grantType == "authorization_code"
            ? try await authenticator.authenticateProvisionally(authorizationHeader: authorization, form: form)
            : try await authenticator.authenticate(authorizationHeader: authorization, form: form)
                .map({ ClientAuthenticator.Provisional(client: $0, unverifiedVersion: nil, credentials: nil) })
        switch authentication {
        case .failure(let error): return reply(error)
        case .success(let authenticated): provisional = authenticated
        }
        let client = provisional.client
        // Counted per authenticated client, so nobody can spend another client's allowance.
        if let retryAfter = env.rateLimits.clientRetryAfter(client.id) {
            return RateLimits.tooManyRequestsJSON(retryAfter: retryAfter)
        }
        let outcome: Result<TokenResponse, OAuthError>
        switch grantType {
        case "authorization_code":
            outcome = try await AuthorizationCodeExchange(env: env).exchange(form: form, client: provisional)
        case "refresh_token":
            // RFC 6749 §5.2 unauthorized_client: "not authorized to use this authorization grant type".
            guard client.allows(grantType: "refresh_token") else {
                return reply(.unauthorizedClient("this client may not use the refresh_token grant"))
            }
            outcome = try await RefreshTokenExchange(env: env).exchange(form: form, client: client)
        case TokenExchange.grantType where !env.doors.sdkDoors.isEmpty:
            // WECHAT.md §6: the code arrives from a client-side SDK; "authenticating the calling
            // client". RFC 6749 §5.2 unauthorized_client for a client without credentials.
            guard !client.isPublic else {
                return reply(.unauthorizedClient("token exchange needs an authenticated (confidential) client"))
            }
            outcome = try await TokenExchange(env: env).exchange(form: form, client: client)
        default:
            return reply(.unsupportedGrantType("grant_type must be one of \(env.metadata.grantTypesSupported.joined(separator: ", "))"))
        }
        switch outcome {
        case .failure(let error):
            return reply(error)
        case .success(let body):
            env.metrics.recordTokenIssued(grantType: grantType, kind: "access_token")
            env.metrics.recordTokenIssued(grantType: grantType, kind: "id_token")
            if body.refreshToken != nil { env.metrics.recordTokenIssued(grantType: grantType, kind: "refresh_token") }
            // RFC 6749 §5.1: "Cache-Control: no-store" and "Pragma: no-cache".
            return HTTPHelpers.json(body, noStore: true)
        }
    }

    /// RFC 6749 §5.2: invalid_client → 401 with a `WWW-Authenticate` matching the scheme.
    private func reply(_ error: OAuthError) -> Response {
        HTTPHelpers.oauthError(error, extraHeaders: error.error == "invalid_client" ? [(.wwwAuthenticate, #"Basic realm="wechat-oidc""#)] : [])
    }
}
