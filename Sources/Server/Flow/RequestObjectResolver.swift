import Foundation
import NIOCore
import OIDC
import Storage

/// Turns an authorization request that carries `request` or `request_uri` into plain
/// parameters: a Request Object by value or by reference (OIDC Core §6) or a pushed
/// authorization request (RFC 9126 §4).
struct RequestObjectResolver: Sendable {
    let env: ProviderEnvironment

    /// Largest request object fetched by reference, and how long the fetch may take.
    static let maximumDocumentSize = 64 * 1024
    static let fetchTimeout: TimeAmount = .seconds(5)

    struct Resolved: Sendable {
        var parameters: [(name: String, value: String)]
        /// Whether the parameters came from a pushed authorization request.
        var pushed: Bool
    }

    /// - Returns: the parameters to validate, or the error with the client to tell it to (when
    ///   the request names one).
    func resolve(_ query: [(name: String, value: String)]) async throws -> Result<Resolved, OAuthError> {
        let (values, repeated) = HTTPHelpers.dictionary(query)
        if repeated.contains("request") || repeated.contains("request_uri") {
            return .failure(.invalidRequest("request and request_uri may be sent once"))
        }
        let requestValue = values["request"].flatMap { $0.isEmpty ? nil : $0 }
        let requestURI = values["request_uri"].flatMap { $0.isEmpty ? nil : $0 }
        // OIDC Core §6.1/§6.2 use one or the other.
        if requestValue != nil && requestURI != nil {
            return .failure(.invalidRequest("request and request_uri must not both be sent"))
        }
        if let requestURI, requestURI.hasPrefix(RequestObjectRules.pushedRequestURIPrefix) {
            return try await pushed(requestURI, clientID: values["client_id"])
        }
        // OIDC Core §6.1 / §6.2: what a provider that does not support them answers.
        if requestValue != nil, !env.settings.requestObjectByValue {
            return .failure(.requestNotSupported("the request parameter is not supported"))
        }
        if requestURI != nil, !env.settings.requestObjectByReference {
            return .failure(.requestURINotSupported("the request_uri parameter is not supported"))
        }
        // OIDC Core §6.1: client_id is passed as a request parameter too (RFC 9101 §5); lacking
        // it, the object's own (its keys decide whether it is believed).
        let jwt: String
        let clientID: String?
        if let requestValue {
            jwt = requestValue
            clientID = values["client_id"] ?? CompactJWS(requestValue)?.claims["client_id"]?.stringValue
        } else if let requestURI {
            guard let id = values["client_id"], let client = try await env.registeredClient(id: id) else {
                return .failure(.invalidRequest("client_id is missing or unknown"))
            }
            switch await fetch(requestURI, client: client) {
            case .failure(let error): return .failure(error)
            case .success(let fetched): jwt = fetched
            }
            clientID = id
        } else {
            return .success(Resolved(parameters: query, pushed: false))
        }
        guard let clientID, let client = try await env.registeredClient(id: clientID) else {
            return .failure(.invalidRequest("client_id is missing or unknown"))
        }
        return try await verify(jwt, query: query, client: client).map { Resolved(parameters: $0, pushed: false) }
    }

    /// Verifies a request object of `client` and merges it with `query`.
    func verify(_ jwt: String, query: [(name: String, value: String)], client: ClientDescription) async throws -> Result<[(name: String, value: String)], OAuthError> {
        guard let jws = CompactJWS(jwt) else {
            return .failure(.invalidRequestObject("the request object is not a JWT (signed or unsigned; encrypted ones are not supported)"))
        }
        // OIDC Registration §2 request_object_signing_alg: "All Request Objects from this Client
        // MUST be rejected, if not signed with this algorithm."
        let allowed = client.metadata.requestObjectSigningAlg.map { Set([$0]) } ?? Set(RequestObjectRules.signingAlgorithms)
        do {
            try await ClientJWTVerifier(env: env).verify(jws, client: client, allowed: allowed)
        } catch {
            return .failure(.invalidRequestObject(error.description))
        }
        return RequestObjectRules.merge(claims: jws.claims, query: query, clientID: client.id, issuer: env.issuer, now: env.clock.now())
    }

    /// OIDC Core §6.2: "the OP MUST retrieve the Request Object from the request_uri". Only a
    /// registered URI for clients that registered any (OIDC Registration §2 `request_uris`) or
    /// registered dynamically; an https URL (loopback http on a development issuer) otherwise.
    private func fetch(_ uri: String, client: ClientDescription) async -> Result<String, OAuthError> {
        guard uri.utf8.count <= 512 else { return .failure(.invalidRequestURI("request_uri is longer than 512 characters")) }
        let registered = client.metadata.requestURIs
        if !registered.isEmpty || client.metadata.registeredBy == ClientRegistry.Origin.dynamic.rawValue {
            guard RequestObjectRules.isRegistered(uri, in: registered) else {
                return .failure(.invalidRequestURI("request_uri is not registered for this client"))
            }
        }
        let bare = String(uri.prefix { $0 != "#" })
        if let problem = URIRules.serverCallURLProblem(bare, allowLoopbackHTTP: !env.settings.usesHTTPS) {
            return .failure(.invalidRequestURI("request_uri \(problem)"))
        }
        let fetcher = ClientDocumentFetcher(httpClient: env.httpClient, timeout: Self.fetchTimeout, maximumSize: Self.maximumDocumentSize)
        do {
            let body = try await fetcher.fetch(bare)
            return .success(String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            env.logger.info("request_uri could not be fetched", metadata: ["client_id": "\(client.id)", "error": "\(error)"])
            return .failure(.invalidRequestURI("the request object could not be retrieved from request_uri"))
        }
    }

    /// RFC 9126 §4: the pushed request, once, by its own client only. "The authorization server
    /// MUST validate authorization requests arising from a pushed request as it would any other
    /// authorization request", and uses only the pushed parameters.
    private func pushed(_ requestURI: String, clientID: String?) async throws -> Result<Resolved, OAuthError> {
        guard let clientID, !clientID.isEmpty else {
            return .failure(.invalidRequest("client_id is missing"))
        }
        guard let record = try await env.stores.pushedAuthorizations.consume(requestURI: requestURI, now: env.clock.now()) else {
            return .failure(.invalidRequestURI("the request_uri is unknown, used or expired"))
        }
        guard record.clientID == clientID else {
            // Put it back: a request naming another client must not use up the owner's request.
            try await env.stores.pushedAuthorizations.create(record)
            return .failure(.invalidRequestURI("the request_uri was pushed by another client"))
        }
        let parameters = record.parameters.compactMap { pair -> (name: String, value: String)? in
            pair.count == 2 ? (pair[0], pair[1]) : nil
        }
        return .success(Resolved(parameters: parameters, pushed: true))
    }
}
