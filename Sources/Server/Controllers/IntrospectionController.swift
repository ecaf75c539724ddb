import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage

/// `POST /introspect` — OAuth 2.0 Token Introspection (RFC 7662).
///
/// §2.1: "the protected resource MUST also authenticate"; a public client cannot. A token is
/// described only to the client it was issued to; to anyone else it is `{"active": false}`
/// (§2.2: "the authorization server MAY respond differently to different protected resources
/// making the same request"), so registered clients cannot read each other's users.
struct IntrospectionController: Sendable {
    let env: ProviderEnvironment

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.post(RouterPath(ProviderMetadata.Path.introspection)) { request, _ in
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
            authorizationHeader: request.headers[.authorization], form: form, endpoint: ProviderMetadata.Path.introspection
        ) {
        case .failure(let error): return reply(error)
        case .success(let authenticated): client = authenticated
        }
        guard !client.isPublic else { return reply(.invalidClient("public clients cannot introspect tokens")) }
        guard let token = form["token"], !token.isEmpty else { return reply(.invalidRequest("token is missing")) }
        let hash = SecretHash.sha256(token)
        let now = env.clock.now()
        let hint = form["token_type_hint"]
        if hint != "refresh_token", let found = try await env.stores.tokens.find(tokenHash: hash) {
            guard found.clientID == client.id, found.revokedAt == nil, found.expiresAt > now else { return inactive() }
            return describe(clientID: found.clientID, userID: env.subjects.subject(userID: found.userID, client: client), scopes: found.scopes,
                            issuedAt: found.createdAt, expiresAt: found.expiresAt, tokenType: "Bearer")
        }
        if let found = try await env.stores.refreshTokens.find(tokenHash: hash) {
            guard found.clientID == client.id, found.revokedAt == nil, found.rotatedAt == nil, found.expiresAt > now else { return inactive() }
            return describe(clientID: found.clientID, userID: env.subjects.subject(userID: found.userID, client: client), scopes: found.scopes,
                            issuedAt: found.createdAt, expiresAt: found.expiresAt, tokenType: "refresh_token")
        }
        if hint == "refresh_token", let found = try await env.stores.tokens.find(tokenHash: hash) {
            guard found.clientID == client.id, found.revokedAt == nil, found.expiresAt > now else { return inactive() }
            return describe(clientID: found.clientID, userID: env.subjects.subject(userID: found.userID, client: client), scopes: found.scopes,
                            issuedAt: found.createdAt, expiresAt: found.expiresAt, tokenType: "Bearer")
        }
        return inactive()
    }

    /// RFC 7662 §2.2 members.
    private func describe(clientID: String, userID: String, scopes: [String], issuedAt: Date, expiresAt: Date, tokenType: String) -> Response {
        HTTPHelpers.json(IntrospectionResponse(
            active: true, scope: scopes.joined(separator: " "), clientID: clientID, sub: userID,
            exp: Int(expiresAt.timeIntervalSince1970), iat: Int(issuedAt.timeIntervalSince1970),
            iss: env.issuer, tokenType: tokenType, aud: clientID
        ), noStore: true)
    }

    private func inactive() -> Response {
        HTTPHelpers.json(["active": false], noStore: true)
    }

    private func reply(_ error: OAuthError) -> Response {
        HTTPHelpers.oauthError(error, extraHeaders: error.error == "invalid_client" ? [(.wwwAuthenticate, #"Basic realm="wechat-oidc""#)] : [])
    }
}

/// RFC 7662 §2.2.
struct IntrospectionResponse: Encodable {
    let active: Bool
    let scope: String
    let clientID: String
    let sub: String
    let exp: Int
    let iat: Int
    let iss: String
    let tokenType: String
    let aud: String

    enum CodingKeys: String, CodingKey {
        case active, scope, sub, exp, iat, iss, aud
        case clientID = "client_id"
        case tokenType = "token_type"
    }
}
