import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage

/// `GET|POST /userinfo` (OIDC Core §5.3) with a bearer token (RFC 6750).
struct UserInfoController: Sendable {
    let env: ProviderEnvironment

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.get(RouterPath(ProviderMetadata.Path.userinfo)) { request, _ in
            var request = request
            return try await handle(&request, allowBody: false)
        }
        router.post(RouterPath(ProviderMetadata.Path.userinfo)) { request, _ in
            var request = request
            return try await handle(&request, allowBody: true)
        }
    }

    func handle(_ request: inout Request, allowBody: Bool) async throws -> Response {
        let token: String
        switch try await extractToken(&request, allowBody: allowBody) {
        case .refused(let response): return response
        case .token(let value): token = value
        }
        let now = env.clock.now()
        guard let record = try await env.stores.tokens.find(tokenHash: SecretHash.sha256(token)),
              record.revokedAt == nil, record.expiresAt > now
        else {
            return challenge(.invalidToken("the access token is invalid or expired"))
        }
        guard record.scopes.contains(Scope.openID) else {
            return challenge(.insufficientScope("the access token was not granted the openid scope"))
        }
        guard let claims = try await UserClaimsLoader(env: env).load(userID: record.userID) else {
            return challenge(.invalidToken("the access token is invalid or expired"))
        }
        // OIDC Core §5.5: claims requested for userinfo by the `claims` parameter are released too.
        let requested = record.claims.flatMap(ClaimsRequest.parse).map { Set($0.userinfo.keys) } ?? []
        var released = claims.released(for: record.scopes, requested: requested)
        let client = try await env.client(id: record.clientID)
        if let client { released["sub"] = env.subjects.subject(userID: record.userID, client: client) }
        guard let client, let alg = client.metadata.userinfoSignedResponseAlg else {
            return HTTPHelpers.json(released, noStore: true)
        }
        return try signed(released, client: client, algorithm: alg)
    }

    /// OIDC Core §5.3.2: with `userinfo_signed_response_alg` registered (OIDC Registration §2),
    /// "the UserInfo Response MUST contain the Claims iss (issuer) and aud (audience) as members.
    /// The iss value SHOULD be the OP's Issuer Identifier URL. The aud value SHOULD be or
    /// include the RP's Client ID value", as "Content-Type application/jwt".
    private func signed(_ released: [String: String], client: ClientDescription, algorithm: String) throws -> Response {
        var claims = released
        claims["iss"] = env.issuer
        claims["aud"] = client.id
        let jwt = try env.keys.current.sign(claims, algorithm: algorithm, type: "JWT")
        var headers = HTTPFields()
        headers[.contentType] = "application/jwt"
        for (name, value) in HTTPHelpers.noStore { headers[name] = value }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: jwt)))
    }

    /// RFC 6750 §2.1 (header) and §2.2 (form body, POST only); "Clients MUST NOT use more than
    /// one method to transmit the token in each request."
    private func extractToken(_ request: inout Request, allowBody: Bool) async throws -> TokenExtraction {
        var headerToken: String?
        if let header = request.headers[.authorization] {
            guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
                return .refused(challenge(.invalidRequest("the Authorization header must use the Bearer scheme")))
            }
            headerToken = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        var bodyToken: String?
        if allowBody, request.headers[.contentType] != nil {
            if let parameters = try await HTTPHelpers.formParameters(&request, limit: env.settings.maxBodySize) {
                let (values, repeated) = HTTPHelpers.dictionary(parameters)
                if repeated.contains("access_token") { return .refused(challenge(.invalidRequest("access_token was sent more than once"))) }
                bodyToken = values["access_token"].flatMap { $0.isEmpty ? nil : $0 }
            }
        }
        if headerToken != nil && bodyToken != nil {
            return .refused(challenge(.invalidRequest("the access token was sent in more than one way")))
        }
        guard let token = headerToken ?? bodyToken, !token.isEmpty else {
            // RFC 6750 §3.1: without authentication information, no error code.
            return .refused(challenge(nil))
        }
        return .token(token)
    }

    private enum TokenExtraction {
        case token(String)
        case refused(Response)
    }

    /// RFC 6750 §3: `WWW-Authenticate: Bearer` with the error, and a JSON body.
    private func challenge(_ error: OAuthError?) -> Response {
        var value = #"Bearer realm="wechat-oidc""#
        guard let error else {
            var response = Response(status: .unauthorized)
            response.headers[.wwwAuthenticate] = value
            response.headers[.cacheControl] = "no-store"
            return response
        }
        value += #", error="\#(error.error)""#
        if let description = error.errorDescription { value += #", error_description="\#(description)""# }
        return HTTPHelpers.oauthError(error, extraHeaders: [(.wwwAuthenticate, value)])
    }
}
