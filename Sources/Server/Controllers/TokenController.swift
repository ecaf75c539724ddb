import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage

/// `POST /token` (RFC 6749 §3.2, §4.1.3; OIDC Core §3.1.3).
struct TokenController: Sendable {
    let env: ProviderEnvironment

    /// RFC 6749 §5.2: invalid_client → 401 with a `WWW-Authenticate` matching the scheme.
    private var basicChallenge: [(HTTPField.Name, String)] {
        [(.wwwAuthenticate, #"Basic realm="wechat-oidc""#)]
    }

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.post(RouterPath(ProviderMetadata.Path.token)) { request, _ in
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
        guard let grantType = form["grant_type"], !grantType.isEmpty else {
            return reply(.invalidRequest("grant_type is missing"))
        }
        let client: ClientDescription
        switch ClientCredentials.extract(authorizationHeader: request.headers[.authorization], form: form) {
        case .failure(let error):
            return reply(error)
        case .success(let credentials):
            switch credentials.authenticate(against: try await env.client(id: credentials.clientID)) {
            case .failure(let error): return reply(error)
            case .success(let authenticated): client = authenticated
            }
        }
        switch grantType {
        case "authorization_code":
            return try await exchangeCode(form: form, client: client)
        default:
            return reply(.unsupportedGrantType("only authorization_code is supported"))
        }
    }

    private func exchangeCode(form: [String: String], client: ClientDescription) async throws -> Response {
        guard let code = form["code"], !code.isEmpty else {
            return reply(.invalidRequest("code is missing"))
        }
        let now = env.clock.now()
        let record: AuthorizationCodeRecord
        switch try await env.stores.codes.consume(codeHash: SecretHash.sha256(code), now: now) {
        case .notFound:
            return reply(.invalidGrant("the code is invalid"))
        case .expired:
            return reply(.invalidGrant("the code has expired"))
        case .replayed(let used):
            // RFC 6749 §4.1.2: a reused code is denied and the tokens it issued are revoked.
            let revoked = try await env.stores.tokens.revokeGrant(grantID: used.grantID, now: now)
            env.logger.warning("authorization code replayed; tokens revoked", metadata: ["client_id": "\(client.id)", "revoked": "\(revoked)"])
            return reply(.invalidGrant("the code was already used"))
        case .consumed(let fresh):
            record = fresh
        }
        let issued = AuthorizationCodeGrant.IssuedCode(
            clientID: record.clientID, redirectURI: record.redirectURI,
            codeChallenge: record.codeChallenge, codeChallengeMethod: record.codeChallengeMethod
        )
        if let error = AuthorizationCodeGrant.check(issued, client: client, redirectURI: form["redirect_uri"], codeVerifier: form["code_verifier"]) {
            return reply(error)
        }

        let accessToken = env.random.token()
        try await env.stores.tokens.create(AccessTokenRecord(
            tokenHash: SecretHash.sha256(accessToken), grantID: record.grantID, clientID: client.id,
            userID: record.userID, scopes: record.scopes, createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(env.settings.accessTokenLifetime))
        ))
        let iat = Int(now.timeIntervalSince1970)
        let claims = IDTokenClaims(
            iss: env.issuer, sub: record.userID, aud: client.id,
            exp: iat + env.settings.idTokenLifetime, iat: iat,
            authTime: Int(record.authTime.timeIntervalSince1970),
            nonce: record.nonce, atHash: AccessTokenHash.sha256(accessToken), amr: record.amr
        )
        let idToken = try env.keys.current.sign(claims)
        let body = TokenResponse(
            accessToken: accessToken, tokenType: "Bearer", expiresIn: env.settings.accessTokenLifetime,
            idToken: idToken, scope: record.scopes.joined(separator: " ")
        )
        // RFC 6749 §5.1: "Cache-Control: no-store" and "Pragma: no-cache".
        return HTTPHelpers.json(body, noStore: true)
    }

    private func reply(_ error: OAuthError) -> Response {
        HTTPHelpers.oauthError(error, extraHeaders: error.error == "invalid_client" ? basicChallenge : [])
    }
}

/// RFC 6749 §5.1 plus OIDC Core §3.1.3.3 `id_token`.
struct TokenResponse: Encodable {
    let accessToken: String
    let tokenType: String
    let expiresIn: Int
    let idToken: String
    let scope: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case idToken = "id_token"
        case scope
    }
}
