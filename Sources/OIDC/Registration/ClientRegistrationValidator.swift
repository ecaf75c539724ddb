import Foundation

/// The rules of client metadata, in one place for Dynamic Client Registration (RFC 7591 §3,
/// RFC 7592 §2.2, OIDC Registration 1.0 §2–§5) and for the administrator's command line.
///
/// Values are checked against the specifications and against `policy` (what this provider
/// really does); the result carries the defaults the specifications name. Errors are
/// RFC 7591 §3.2.2 `invalid_redirect_uri` for bad `redirect_uris` and `invalid_client_metadata`
/// for everything else, with a description that names the field.
public struct ClientRegistrationValidator: Sendable {
    /// Fetches a document by URL (for `sector_identifier_uri`), bounded in size and time.
    public typealias FetchDocument = @Sendable (String) async throws -> [UInt8]

    public let policy: RegistrationPolicy

    public init(policy: RegistrationPolicy) {
        self.policy = policy
    }

    /// Every rule, including the retrieval of `sector_identifier_uri` (OIDC Registration §5:
    /// "the OP MUST retrieve the … document and validate it").
    public func validate(
        _ request: ClientMetadataRequest, registeredBy: String, fetch: FetchDocument
    ) async -> Result<ValidatedRegistration, OAuthError> {
        let registration: ValidatedRegistration
        switch validateContent(request, registeredBy: registeredBy) {
        case .failure(let error): return .failure(error)
        case .success(let value): registration = value
        }
        guard let sectorURI = registration.metadata.sectorIdentifierURI else { return .success(registration) }
        let document: [UInt8]
        do {
            document = try await fetch(sectorURI)
        } catch {
            return .failure(.invalidClientMetadata("sector_identifier_uri could not be retrieved"))
        }
        if let problem = SectorIdentifierRules.problem(document: document, redirectURIs: registration.redirectURIs) {
            return .failure(.invalidClientMetadata(problem))
        }
        return .success(registration)
    }

    /// Every rule that needs no network.
    public func validateContent(_ request: ClientMetadataRequest, registeredBy: String) -> Result<ValidatedRegistration, OAuthError> {
        do {
            return .success(try check(request, registeredBy: registeredBy))
        } catch let error as OAuthError {
            return .failure(error)
        } catch {
            return .failure(.invalidClientMetadata())
        }
    }

    static let maximumRedirectURIs = 50
    static let maximumContacts = 20
    static let maximumNameLength = 200

    private func check(_ request: ClientMetadataRequest, registeredBy: String) throws -> ValidatedRegistration {
        // OIDC Registration §2 defines encryption metadata; this provider encrypts nothing, and
        // ignoring the request would hand the client plaintext it does not expect.
        if let field = request.encryptionFields.first {
            throw OAuthError.invalidClientMetadata("\(field) is not supported: this provider does not encrypt")
        }

        // OIDC Registration §2 application_type: "The default, if omitted, is web."
        let applicationType = request.applicationType ?? "web"
        guard policy.applicationTypes.contains(applicationType) else {
            throw OAuthError.invalidClientMetadata("application_type must be one of: \(policy.applicationTypes.joined(separator: ", "))")
        }

        // RFC 7591 §2 redirect_uris; RFC 6749 §3.1.2; OIDC Registration §2 (by application type).
        guard let rawRedirectURIs = request.redirectURIs, !rawRedirectURIs.isEmpty else {
            throw OAuthError.invalidClientMetadata("redirect_uris is required for the authorization code flow")
        }
        guard rawRedirectURIs.count <= Self.maximumRedirectURIs else {
            throw OAuthError.invalidRedirectURI("redirect_uris may list at most \(Self.maximumRedirectURIs) URIs")
        }
        for (index, uri) in rawRedirectURIs.enumerated() {
            if let problem = URIRules.redirectURIProblem(uri, applicationType: applicationType) {
                throw OAuthError.invalidRedirectURI("redirect_uris[\(index)] \(problem)")
            }
        }
        let redirectURIs = Self.unique(rawRedirectURIs)

        // RFC 7591 §2 response_types (default code) and grant_types (default authorization_code),
        // and §2.1: the two must agree — code needs the authorization_code grant.
        let responseTypes = Self.unique(request.responseTypes ?? ["code"])
        guard !responseTypes.isEmpty else {
            throw OAuthError.invalidClientMetadata("response_types must not be empty")
        }
        if let value = responseTypes.first(where: { !policy.responseTypes.contains($0) }) {
            throw OAuthError.invalidClientMetadata("response_types value \(value) is not supported (supported: \(policy.responseTypes.joined(separator: ", ")))")
        }
        let grantTypes = Self.unique(request.grantTypes ?? ["authorization_code"])
        if let value = grantTypes.first(where: { !policy.grantTypes.contains($0) }) {
            throw OAuthError.invalidClientMetadata("grant_types value \(value) is not supported (supported: \(policy.grantTypes.joined(separator: ", ")))")
        }
        guard grantTypes.contains("authorization_code") else {
            throw OAuthError.invalidClientMetadata("grant_types must include authorization_code for response type code (RFC 7591 section 2.1)")
        }

        // OIDC Registration §2 token_endpoint_auth_method: "If omitted, the default is
        // client_secret_basic".
        let authMethod = request.tokenEndpointAuthMethod ?? "client_secret_basic"
        guard policy.tokenEndpointAuthMethods.contains(authMethod) else {
            throw OAuthError.invalidClientMetadata("token_endpoint_auth_method must be one of: \(policy.tokenEndpointAuthMethods.joined(separator: ", "))")
        }

        // OIDC Registration §2 jwks / jwks_uri: "The jwks_uri and jwks parameters MUST NOT both
        // be present in the same request"; private_key_jwt verifies with one of them.
        if request.jwks != nil && request.jwksURI != nil {
            throw OAuthError.invalidClientMetadata("jwks and jwks_uri must not both be present")
        }
        var jwksText: String?
        if let jwks = request.jwks {
            if let problem = JWKSetRules.problem(jwks) {
                throw OAuthError.invalidClientMetadata("jwks \(problem)")
            }
            jwksText = jwks.serialized
        }
        if let uri = request.jwksURI, let problem = URIRules.serverCallURLProblem(uri, allowLoopbackHTTP: policy.allowsLoopbackHTTPCallbacks) {
            throw OAuthError.invalidClientMetadata("jwks_uri \(problem)")
        }
        if authMethod == "private_key_jwt" && request.jwks == nil && request.jwksURI == nil {
            throw OAuthError.invalidClientMetadata("private_key_jwt requires jwks or jwks_uri")
        }

        // OIDC Registration §2 token_endpoint_auth_signing_alg: "The value none MUST NOT be used."
        if let alg = request.tokenEndpointAuthSigningAlg {
            let allowed: [String] = switch authMethod {
            case "private_key_jwt": policy.privateKeyJWTSigningAlgs
            case "client_secret_jwt": policy.clientSecretJWTSigningAlgs
            default: policy.privateKeyJWTSigningAlgs + policy.clientSecretJWTSigningAlgs
            }
            guard allowed.contains(alg) else {
                throw OAuthError.invalidClientMetadata("token_endpoint_auth_signing_alg must be one of: \(allowed.joined(separator: ", "))")
            }
        }

        // OIDC Registration §2 id_token_signed_response_alg: "The default, if omitted, is RS256."
        let idTokenAlg = request.idTokenSignedResponseAlg ?? "RS256"
        guard idTokenAlg != "none" else {
            throw OAuthError.invalidClientMetadata("id_token_signed_response_alg none is not supported: ID tokens are always signed")
        }
        guard policy.idTokenSigningAlgs.contains(idTokenAlg) else {
            throw OAuthError.invalidClientMetadata("id_token_signed_response_alg must be one of: \(policy.idTokenSigningAlgs.joined(separator: ", "))")
        }
        if let alg = request.userinfoSignedResponseAlg, !policy.userinfoSigningAlgs.contains(alg) {
            throw OAuthError.invalidClientMetadata("userinfo_signed_response_alg must be one of: \(policy.userinfoSigningAlgs.joined(separator: ", "))")
        }
        if let alg = request.requestObjectSigningAlg, !policy.requestObjectSigningAlgs.contains(alg) {
            throw OAuthError.invalidClientMetadata("request_object_signing_alg must be one of: \(policy.requestObjectSigningAlgs.joined(separator: ", "))")
        }

        // OIDC Core §8 subject_type; OIDC Registration §5 sector_identifier_uri ("URL using the
        // https scheme"); OIDC Core §8.1: without it, the sector is the host of the redirect
        // URIs, and "If there are multiple hostnames in the registered redirect_uris, the
        // Client MUST register a sector_identifier_uri."
        let subjectType = request.subjectType ?? "public"
        guard policy.subjectTypes.contains(subjectType) else {
            throw OAuthError.invalidClientMetadata("subject_type must be one of: \(policy.subjectTypes.joined(separator: ", "))")
        }
        let sectorIdentifier: String?
        if let uri = request.sectorIdentifierURI {
            if let problem = URIRules.serverCallURLProblem(uri, allowLoopbackHTTP: policy.allowsLoopbackHTTPCallbacks) {
                throw OAuthError.invalidClientMetadata("sector_identifier_uri \(problem)")
            }
            sectorIdentifier = URIRules.host(of: uri)
        } else {
            let hosts = redirectURIs.map(URIRules.host(of:))
            let distinct = Set(hosts.compactMap { $0 })
            if distinct.count == 1 && !hosts.contains(nil), let host = distinct.first {
                sectorIdentifier = host
            } else if subjectType == "pairwise" {
                throw OAuthError.invalidClientMetadata("redirect_uris do not share one host: pairwise subjects need a sector_identifier_uri (OIDC Core section 8.1)")
            } else {
                sectorIdentifier = nil
            }
        }

        // RP-Initiated Logout 1.0 §3.1 post_logout_redirect_uris: redirect targets like
        // redirect_uris (absolute, no fragment, same schemes).
        let rawLogoutURIs = request.postLogoutRedirectURIs ?? []
        guard rawLogoutURIs.count <= Self.maximumRedirectURIs else {
            throw OAuthError.invalidClientMetadata("post_logout_redirect_uris may list at most \(Self.maximumRedirectURIs) URIs")
        }
        for (index, uri) in rawLogoutURIs.enumerated() {
            if let problem = URIRules.redirectURIProblem(uri, applicationType: applicationType) {
                throw OAuthError.invalidClientMetadata("post_logout_redirect_uris[\(index)] \(problem)")
            }
        }
        // Back-Channel Logout 1.0 §2.2 backchannel_logout_uri: absolute, "MUST NOT include a
        // fragment component"; the provider POSTs logout tokens to it.
        if let uri = request.backchannelLogoutURI, let problem = URIRules.serverCallURLProblem(uri, allowLoopbackHTTP: policy.allowsLoopbackHTTPCallbacks) {
            throw OAuthError.invalidClientMetadata("backchannel_logout_uri \(problem)")
        }

        // OIDC Registration §2 request_uris: "URLs using the https scheme"; the provider fetches
        // them, so loopback http only where server calls may use it. A fragment is allowed
        // (it names the content, OIDC Core §6.2) and ignored when matching.
        let requestURIs = Self.unique(request.requestURIs ?? [])
        guard requestURIs.count <= Self.maximumRedirectURIs else {
            throw OAuthError.invalidClientMetadata("request_uris may list at most \(Self.maximumRedirectURIs) URIs")
        }
        for (index, uri) in requestURIs.enumerated() {
            let withoutFragment = String(uri.prefix { $0 != "#" })
            if let problem = URIRules.serverCallURLProblem(withoutFragment, allowLoopbackHTTP: policy.allowsLoopbackHTTPCallbacks) {
                throw OAuthError.invalidClientMetadata("request_uris[\(index)] \(problem)")
            }
        }

        // OIDC Registration §2 default_max_age: seconds.
        if let maxAge = request.defaultMaxAge, maxAge < 0 {
            throw OAuthError.invalidClientMetadata("default_max_age must be a non-negative number of seconds")
        }

        // RFC 7591 §2 human-readable metadata.
        var clientName: String?
        if let raw = request.clientName {
            let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard name.count <= Self.maximumNameLength, !Self.hasControlCharacters(name) else {
                throw OAuthError.invalidClientMetadata("client_name must be at most \(Self.maximumNameLength) characters without control characters")
            }
            clientName = name.isEmpty ? nil : name
        }
        let pages: [(String, String?)] = [
            ("logo_uri", request.logoURI), ("client_uri", request.clientURI),
            ("policy_uri", request.policyURI), ("tos_uri", request.tosURI),
        ]
        for case let (field, uri?) in pages {
            if let problem = URIRules.webPageURLProblem(uri) {
                throw OAuthError.invalidClientMetadata("\(field) \(problem)")
            }
        }
        let contacts = Self.unique(request.contacts ?? [])
        guard contacts.count <= Self.maximumContacts else {
            throw OAuthError.invalidClientMetadata("contacts may list at most \(Self.maximumContacts) entries")
        }
        for contact in contacts where contact.isEmpty || contact.count > 320 || Self.hasControlCharacters(contact) {
            throw OAuthError.invalidClientMetadata("contacts must be non-empty strings of at most 320 characters")
        }

        return ValidatedRegistration(
            clientName: clientName, redirectURIs: redirectURIs, tokenEndpointAuthMethod: authMethod,
            metadata: ClientMetadata(
                grantTypes: grantTypes, responseTypes: responseTypes, applicationType: applicationType,
                contacts: contacts, clientURI: request.clientURI, logoURI: request.logoURI,
                policyURI: request.policyURI, tosURI: request.tosURI, jwks: jwksText, jwksURI: request.jwksURI,
                tokenEndpointAuthSigningAlg: request.tokenEndpointAuthSigningAlg,
                idTokenSignedResponseAlg: idTokenAlg, userinfoSignedResponseAlg: request.userinfoSignedResponseAlg,
                requestObjectSigningAlg: request.requestObjectSigningAlg, subjectType: subjectType,
                sectorIdentifierURI: request.sectorIdentifierURI, sectorIdentifier: sectorIdentifier,
                defaultMaxAge: request.defaultMaxAge, requireAuthTime: request.requireAuthTime ?? false,
                postLogoutRedirectURIs: Self.unique(rawLogoutURIs), backchannelLogoutURI: request.backchannelLogoutURI,
                backchannelLogoutSessionRequired: request.backchannelLogoutSessionRequired ?? false,
                requirePushedAuthorizationRequests: request.requirePushedAuthorizationRequests ?? false,
                clientSecretExpiresAt: 0, registeredBy: registeredBy, requestURIs: requestURIs
            )
        )
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
