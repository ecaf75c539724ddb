import Foundation
import HTTPTypes
import OIDC

/// Client authentication at the token, revocation, introspection and pushed authorization
/// request endpoints (RFC 6749 §2.3, OIDC Core §9): `client_secret_basic`,
/// `client_secret_post`, `client_secret_jwt`, `private_key_jwt` and `none`.
///
/// A client must use the method it registered (`token_endpoint_auth_method`, OIDC Registration
/// §2); `client_secret_basic` and `client_secret_post` stand in for each other.
struct ClientAuthenticator: Sendable {
    let env: ProviderEnvironment

    /// The namespace of used assertion `jti`s in the replay cache.
    static let replayNamespace = "client_assertion"

    /// The authenticated client, or the `invalid_client` / `invalid_request` to answer.
    ///
    /// - Parameter endpoint: the path called; its URL is an accepted assertion `aud` besides the
    ///   issuer and the token endpoint (RFC 9126 §2 names the PAR endpoint URL).
    func authenticate(
        authorizationHeader: String?, form: [String: String], endpoint: String = ProviderMetadata.Path.token
    ) async throws -> Result<ClientDescription, OAuthError> {
        if form["client_assertion"] != nil || form["client_assertion_type"] != nil {
            return try await authenticateAssertion(authorizationHeader: authorizationHeader, form: form, endpoint: endpoint)
        }
        switch ClientCredentials.extract(authorizationHeader: authorizationHeader, form: form) {
        case .failure(let error):
            return .failure(error)
        case .success(let credentials):
            return Self.check(credentials, against: try await env.client(id: credentials.clientID))
        }
    }

    /// A client authenticated at the token endpoint for the `authorization_code` grant.
    struct Provisional: Sendable {
        let client: ClientDescription
        /// Set when `client` is the copy remembered in `VerifiedClientCache`, read at this
        /// version: the code redemption must find the stored client still at it, or call
        /// `verify(_:)`. `nil` when the client was read from the database for this request.
        let unverifiedVersion: Int64?
        let credentials: ClientCredentials?
    }

    /// `authenticate(authorizationHeader:form:)`, except that a secret (or a public client's
    /// `none`) matching the remembered copy of the client is accepted provisionally, to be
    /// confirmed by the statement that redeems the code (see `VerifiedClientCache`). Anything
    /// else — another secret, an assertion, an unknown client — is checked against the database.
    func authenticateProvisionally(authorizationHeader: String?, form: [String: String]) async throws -> Result<Provisional, OAuthError> {
        if form["client_assertion"] != nil || form["client_assertion_type"] != nil {
            return try await authenticate(authorizationHeader: authorizationHeader, form: form)
                .map { Provisional(client: $0, unverifiedVersion: nil, credentials: nil) }
        }
        let credentials: ClientCredentials
        switch ClientCredentials.extract(authorizationHeader: authorizationHeader, form: form) {
        case .failure(let error): return .failure(error)
        case .success(let extracted): credentials = extracted
        }
        if let remembered = env.verifiedClients.entry(clientID: credentials.clientID),
           case .success(let client) = Self.check(credentials, against: remembered.client)
        {
            return .success(Provisional(client: client, unverifiedVersion: remembered.version, credentials: credentials))
        }
        return try await verify(credentials).map { Provisional(client: $0, unverifiedVersion: nil, credentials: credentials) }
    }

    /// Authenticates `credentials` against the client as stored now, and remembers what was read.
    func verify(_ credentials: ClientCredentials) async throws -> Result<ClientDescription, OAuthError> {
        let stored = try await env.registeredClientAndVersion(id: credentials.clientID)
        if let stored {
            env.verifiedClients.remember(stored)
        } else {
            env.verifiedClients.forget(clientID: credentials.clientID)
        }
        return Self.check(credentials, against: stored?.client)
    }

    /// A client that registered a secret method (basic and post stand in for each other) or
    /// none; the JWT methods must send their assertion.
    private static func check(_ credentials: ClientCredentials, against client: ClientDescription?) -> Result<ClientDescription, OAuthError> {
        if let client, credentials.method != .none, client.authMethod != .clientSecretBasic, client.authMethod != .clientSecretPost {
            return .failure(.invalidClient("this client must authenticate with \(client.authMethod.rawValue)"))
        }
        return credentials.authenticate(against: client)
    }

    /// RFC 7523 §2.2 / RFC 7521 §4.2: `client_assertion_type` and `client_assertion`.
    private func authenticateAssertion(
        authorizationHeader: String?, form: [String: String], endpoint: String
    ) async throws -> Result<ClientDescription, OAuthError> {
        // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
        if authorizationHeader != nil || form["client_secret"] != nil {
            return .failure(.invalidRequest("more than one client authentication method"))
        }
        guard let type = form["client_assertion_type"], !type.isEmpty else {
            return .failure(.invalidRequest("client_assertion_type is missing"))
        }
        guard let assertion = form["client_assertion"], !assertion.isEmpty else {
            return .failure(.invalidRequest("client_assertion is missing"))
        }
        guard type == ClientAssertionRules.assertionType else {
            return .failure(.invalidClient("client_assertion_type must be \(ClientAssertionRules.assertionType)"))
        }
        guard let jws = CompactJWS(assertion) else {
            return .failure(.invalidClient("client_assertion is not a signed JWT"))
        }
        // The signature is checked with the keys of the client the assertion names; `sub` and
        // `iss` must both be that client (checked below, after the signature).
        guard let clientID = jws.claims["sub"]?.stringValue, !clientID.isEmpty else {
            return .failure(.invalidClient("the client assertion has no sub"))
        }
        // RFC 7521 §4.2: client_id, when sent, must name the same client.
        if let formID = form["client_id"], !formID.isEmpty, formID != clientID {
            return .failure(.invalidClient("client_id does not match the client assertion"))
        }
        guard let client = try await env.client(id: clientID) else {
            return .failure(.invalidClient("client authentication failed"))
        }
        let allowed: Set<String>
        switch client.authMethod {
        case .privateKeyJWT: allowed = Set(ClientJWTVerifier.asymmetricAlgorithms)
        case .clientSecretJWT: allowed = ["HS256"]
        default: return .failure(.invalidClient("this client must authenticate with \(client.authMethod.rawValue)"))
        }
        // OIDC Registration §2 token_endpoint_auth_signing_alg: "All Token Requests using these
        // authentication methods from this Client MUST be rejected, if the JWT is not signed
        // with this algorithm."
        let accepted = client.metadata.tokenEndpointAuthSigningAlg.map { allowed.intersection([$0]) } ?? allowed
        do {
            try await ClientJWTVerifier(env: env).verify(jws, client: client, allowed: accepted)
        } catch {
            return .failure(.invalidClient("client_assertion: \(error.description)"))
        }
        let now = env.clock.now()
        let audiences: Set<String> = [env.issuer, env.issuer + ProviderMetadata.Path.token, env.issuer + endpoint]
        let checked: ClientAssertionRules.Accepted
        switch ClientAssertionRules.check(jws.claims, clientID: client.id, audiences: audiences, now: now) {
        case .failure(let error): return .failure(error)
        case .success(let value): checked = value
        }
        // RFC 7523 §3 item 7: "The authorization server MAY ensure that JWTs are not replayed
        // by maintaining the set of used "jti" values for the length of time for which the JWT
        // would be considered valid". Kept in the database, so every replica agrees.
        let fresh = try await env.stores.replayCache.remember(
            namespace: Self.replayNamespace, identifier: client.id + " " + checked.jti, expiresAt: checked.expiresAt, now: now
        )
        guard fresh else { return .failure(.invalidClient("the client assertion's jti was already used")) }
        return .success(client)
    }
}
