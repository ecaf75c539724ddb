import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage

/// `POST /revoke` — OAuth 2.0 Token Revocation (RFC 7009).
///
/// §2.1: the client authenticates; "the authorization server first validates the client
/// credentials … and then verifies whether the token was issued to the client making the
/// revocation request." Revoking a refresh token revokes its whole family and the access tokens
/// of the same grant ("If the token passed to the request is a refresh token and the
/// authorization server supports the revocation of access tokens, then the authorization server
/// SHOULD also invalidate all access tokens based on the same authorization grant").
/// §2.2: "The authorization server responds with HTTP status code 200 if the token has been
/// revoked successfully or if the client submitted an invalid token."
struct RevocationController: Sendable {
    let env: ProviderEnvironment

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.post(RouterPath(ProviderMetadata.Path.revocation)) { request, _ in
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
        let client: ClientDescription
        switch try await ClientAuthenticator(env: env).authenticate(
            authorizationHeader: request.headers[.authorization], form: form, endpoint: ProviderMetadata.Path.revocation
        ) {
        case .failure(let error): return reply(error)
        case .success(let authenticated): client = authenticated
        }
        guard let token = form["token"], !token.isEmpty else { return reply(.invalidRequest("token is missing")) }
        // §2.1 token_type_hint: "If the server is unable to locate the token using the given
        // hint, it MUST extend its search across all of its supported token types."
        let hint = form["token_type_hint"]
        if let hint, hint != "access_token", hint != "refresh_token" {
            return reply(.unsupportedTokenType("token_type_hint must be access_token or refresh_token"))
        }
        let hash = SecretHash.sha256(token)
        let now = env.clock.now()
        let order = hint == "access_token" ? [false, true] : [true, false]
        for isRefresh in order {
            if isRefresh, let found = try await env.stores.refreshTokens.find(tokenHash: hash) {
                guard found.clientID == client.id else { return notOwner() }
                try await env.stores.refreshTokens.revokeFamily(familyID: found.familyID, now: now)
                try await env.stores.tokens.revokeGrant(grantID: found.familyID, now: now)
                return ok()
            }
            if !isRefresh, let found = try await env.stores.tokens.find(tokenHash: hash) {
                guard found.clientID == client.id else { return notOwner() }
                try await env.stores.tokens.revoke(tokenHash: hash, now: now)
                return ok()
            }
        }
        return ok()
    }

    private func ok() -> Response {
        var response = Response(status: .ok)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// §2.1: "If this validation fails, the request is refused and the client is informed of the
    /// error" — the token stays valid for its owner.
    private func notOwner() -> Response {
        reply(.invalidGrant("the token was not issued to this client"))
    }

    private func reply(_ error: OAuthError) -> Response {
        HTTPHelpers.oauthError(error, extraHeaders: error.error == "invalid_client" ? [(.wwwAuthenticate, #"Basic realm="wechat-oidc""#)] : [])
    }
}
