import Foundation
import HTTPTypes
import Hummingbird
import OIDC
import Storage

/// Dynamic Client Registration: `POST /register` (RFC 7591 §3, OIDC Registration 1.0 §3) and
/// the client configuration endpoint `GET|PUT|DELETE /register/{client_id}` (RFC 7592 §2).
/// Mounted only when registration is enabled (an initial access token, open registration, or
/// both).
struct RegistrationController: Sendable {
    let env: ProviderEnvironment
    let fetcher: ClientDocumentFetcher

    /// The registry with what this provider does right now: the discovery document, with the
    /// ID token algorithms that have an active key (as `/.well-known/openid-configuration`
    /// lists them). Loopback http callbacks only for a development (http) issuer.
    var registry: ClientRegistry {
        var metadata = env.metadata
        metadata.idTokenSigningAlgValuesSupported = env.keys.current.supportedAlgorithms.map(\.jwsName)
        metadata.userinfoSigningAlgValuesSupported = env.keys.current.supportedAlgorithms.map(\.jwsName)
        return ClientRegistry(
            store: env.stores.clients, random: env.random, clock: env.clock,
            policy: ClientRegistry.providerPolicy(metadata, allowLoopbackHTTP: !env.settings.usesHTTPS), sealer: env.sealer
        )
    }

    static let clientPath = ProviderMetadata.Path.registration + "/:client_id"

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.post(RouterPath(ProviderMetadata.Path.registration)) { request, _ in
            var request = request
            return try await register(&request)
        }
        router.get(RouterPath(Self.clientPath)) { request, context in
            try await read(request, id: context.parameters.get("client_id"))
        }
        router.put(RouterPath(Self.clientPath)) { request, context in
            var request = request
            return try await update(&request, id: context.parameters.get("client_id"))
        }
        router.delete(RouterPath(Self.clientPath)) { request, context in
            try await delete(request, id: context.parameters.get("client_id"))
        }
    }

    // MARK: - RFC 7591 §3

    func register(_ request: inout Request) async throws -> Response {
        // RFC 7591 §3: the endpoint "MAY be designed to require an initial access token"
        // (an OAuth 2.0 bearer token, RFC 6750 §2.1); without it, only open registration.
        // With both configured, a request without credentials is open registration, and a
        // request that presents a token must present the right one.
        if let expected = env.settings.registrationInitialAccessToken {
            if request.headers[.authorization] != nil || !env.settings.registrationOpen {
                guard let presented = bearerToken(request),
                      SecretHash.constantTimeEquals(SecretHash.sha256(presented), SecretHash.sha256(expected))
                else {
                    return Self.invalidToken("the initial access token is missing or invalid")
                }
            }
        } else if !env.settings.registrationOpen {
            return Self.invalidToken("registration requires an initial access token")
        }
        let metadata: ClientMetadataRequest
        switch try await Self.parseBody(&request, limit: env.settings.maxBodySize) {
        case .failure(let error): return HTTPHelpers.oauthError(error)
        case .success(let value): metadata = value
        }
        let registered: ClientRegistry.Registered
        do {
            registered = try await registry.register(metadata, origin: .dynamic, fetch: fetcher.fetchDocument)
        } catch let error as OAuthError {
            env.logger.info("client registration refused", metadata: ["error": "\(error.error)", "reason": "\(error.errorDescription ?? "")"])
            return HTTPHelpers.oauthError(error)
        }
        env.logger.info("client registered", metadata: ["client_id": "\(registered.client.id)"])
        let information = ClientRegistry.information(
            registered.client, secret: registered.secret, registrationAccessToken: registered.registrationAccessToken,
            registrationClientURI: clientURI(registered.client.id)
        )
        // RFC 7591 §3.2.1: "HTTP 201 Created" with the client information; tokens are never cached.
        return HTTPHelpers.json(information, status: .created, noStore: true)
    }

    // MARK: - RFC 7592 §2

    /// RFC 7592 §2.1: the client's current configuration. The registration access token in
    /// the response is the one presented (only its hash is kept).
    func read(_ request: Request, id: String?) async throws -> Response {
        let (record, token): (ClientRecord, String)
        switch try await authenticate(request, id: id) {
        case .refused(let response): return response
        case .client(let client, let presented): (record, token) = (client, presented)
        }
        return HTTPHelpers.json(ClientRegistry.information(record, registrationAccessToken: token, registrationClientURI: clientURI(record.id)), noStore: true)
    }

    /// RFC 7592 §2.2: replaces the client's metadata; 200 with the new configuration.
    func update(_ request: inout Request, id: String?) async throws -> Response {
        let (record, token): (ClientRecord, String)
        switch try await authenticate(request, id: id) {
        case .refused(let response): return response
        case .client(let client, let presented): (record, token) = (client, presented)
        }
        let metadata: ClientMetadataRequest
        switch try await Self.parseBody(&request, limit: env.settings.maxBodySize) {
        case .failure(let error): return HTTPHelpers.oauthError(error)
        case .success(let value): metadata = value
        }
        let updated: (client: ClientRecord, secret: String?)
        do {
            updated = try await registry.replace(record, with: metadata, fetch: fetcher.fetchDocument)
        } catch let error as OAuthError {
            return HTTPHelpers.oauthError(error)
        } catch is ClientRegistry.Failure {
            // Deleted meanwhile: RFC 7592 §2.2 answers an unknown client with 401.
            return Self.invalidToken("the registration access token is invalid")
        }
        env.logger.info("client registration updated", metadata: ["client_id": "\(record.id)"])
        let information = ClientRegistry.information(
            updated.client, secret: updated.secret, registrationAccessToken: token, registrationClientURI: clientURI(record.id)
        )
        return HTTPHelpers.json(information, noStore: true)
    }

    /// RFC 7592 §2.3: "the authorization server responds with an HTTP 204 No Content"; the
    /// client's codes, tokens and sessions go with it (ON DELETE CASCADE).
    func delete(_ request: Request, id: String?) async throws -> Response {
        let record: ClientRecord
        switch try await authenticate(request, id: id) {
        case .refused(let response): return response
        case .client(let client, _): record = client
        }
        guard try await env.stores.clients.delete(id: record.id) else {
            return Self.invalidToken("the registration access token is invalid")
        }
        env.logger.info("client deleted by its registration access token", metadata: ["client_id": "\(record.id)"])
        var response = Response(status: .noContent)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private enum Authentication {
        case client(ClientRecord, token: String)
        case refused(Response)
    }

    /// RFC 7592 §2: the registration access token as a bearer token, issued to this very
    /// client. A missing or wrong token, another client's token, an unknown client (RFC 7592
    /// §2.1: "the server MUST respond with HTTP 401 Unauthorized") and a client registered by an
    /// administrator (which has no such token) all get the same 401.
    private func authenticate(_ request: Request, id: String?) async throws -> Authentication {
        guard let token = bearerToken(request) else {
            return .refused(Self.invalidToken("the registration access token is missing"))
        }
        let presentedHash = SecretHash.sha256(token)
        guard let id, let record = try await env.stores.clients.find(id: id),
              let expected = record.registrationTokenHash, SecretHash.constantTimeEquals(presentedHash, expected)
        else {
            return .refused(Self.invalidToken("the registration access token is invalid"))
        }
        return .client(record, token: token)
    }

    /// RFC 6750 §2.1 `Authorization: Bearer b64token`.
    private func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            return nil
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    private func clientURI(_ id: String) -> String {
        env.issuer + ProviderMetadata.Path.registration + "/" + id
    }

    /// RFC 6750 §3.1: 401 `invalid_token` with the `WWW-Authenticate: Bearer` challenge.
    static func invalidToken(_ description: String) -> Response {
        HTTPHelpers.oauthError(.invalidToken(description), extraHeaders: [(.wwwAuthenticate, #"Bearer error="invalid_token""#)])
    }

    /// RFC 7591 §3.1: "a JSON document … sent as an HTTP POST … with the content type
    /// application/json", at most `limit` bytes (413 beyond).
    static func parseBody(_ request: inout Request, limit: Int) async throws -> Result<ClientMetadataRequest, OAuthError> {
        guard let type = request.headers[.contentType]?.lowercased(),
              type.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) == "application/json"
        else {
            return .failure(.invalidClientMetadata("the body must be application/json"))
        }
        let buffer = try await request.collectBody(upTo: limit)
        return ClientMetadataRequest.parse(buffer.readableBytesView)
    }
}
