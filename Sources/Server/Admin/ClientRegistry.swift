import Foundation
import OIDC
import Storage

/// Registers and manages clients; shared by the CLI, `dev` and Dynamic Client Registration, so
/// that every client passes the same `ClientRegistrationValidator`.
public struct ClientRegistry: Sendable {
    public let store: any ClientStore
    let random: any RandomSource
    let clock: any ProviderClock
    /// What clients may register.
    public let policy: RegistrationPolicy
    /// Seals the secrets of `client_secret_jwt` clients; without it that method is refused.
    let sealer: SecretSealer?

    public init(
        store: any ClientStore, random: any RandomSource = SystemRandomSource(), clock: any ProviderClock = SystemProviderClock(),
        policy: RegistrationPolicy = ClientRegistry.adminPolicy, sealer: SecretSealer? = nil
    ) {
        self.store = store
        self.random = random
        self.clock = clock
        var policy = policy
        // client_secret_jwt needs the secret itself to check the HMAC (RFC 7523 §2.2), kept
        // sealed in `ClientRecord.sealedSecret`: offered only with a sealing key.
        if sealer == nil { policy.tokenEndpointAuthMethods.removeAll { $0 == "client_secret_jwt" } }
        self.policy = policy
        self.sealer = sealer
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Who registered a client (`ClientMetadata.registeredBy`).
    public enum Origin: String, Sendable {
        /// RFC 7591: the client gets a registration access token to manage itself (RFC 7592).
        case dynamic
        /// The command line; managed only by administrators.
        case admin
    }

    /// A client just registered, with the credentials shown only now.
    public struct Registered: Sendable {
        public let client: ClientRecord
        /// The client secret, for the secret authentication methods.
        public let secret: String?
        /// The RFC 7592 registration access token, for dynamic registrations.
        public let registrationAccessToken: String?
    }

    /// The policy of a provider: the standard rules limited to what its discovery document
    /// advertises. `allowLoopbackHTTP`: whether URLs the server calls may be loopback http
    /// (development with an http issuer).
    public static func providerPolicy(_ metadata: ProviderMetadata, allowLoopbackHTTP: Bool) -> RegistrationPolicy {
        var policy = RegistrationPolicy.standard.limited(to: metadata)
        policy.allowsLoopbackHTTPCallbacks = allowLoopbackHTTP
        return policy
    }

    /// The policy of the command line: what the provider supports, except that administrators
    /// may choose any ID token algorithm the provider can sign with (it needs an active key of
    /// that algorithm, see `keys`) and point the server at loopback http URLs.
    public static var adminPolicy: RegistrationPolicy {
        var policy = providerPolicy(ProviderMetadata.forIssuer("https://issuer.invalid"), allowLoopbackHTTP: true)
        policy.idTokenSigningAlgs = RegistrationPolicy.standard.idTokenSigningAlgs
        policy.userinfoSigningAlgs = RegistrationPolicy.standard.userinfoSigningAlgs
        return policy
    }

    /// A fetch for callers that never pass a `sector_identifier_uri`.
    public static let noFetch: ClientRegistrationValidator.FetchDocument = { _ in
        throw Failure(description: "documents cannot be fetched here")
    }

    // MARK: - Registration

    /// Validates `request` and stores a new client (RFC 7591 §3.2.1). Secret methods get a
    /// 256-bit secret, returned once and stored only as its SHA-256; dynamic registrations get
    /// a registration access token, likewise.
    ///
    /// - Throws: `OAuthError` (`invalid_redirect_uri`, `invalid_client_metadata`) for metadata
    ///   the rules refuse.
    public func register(
        _ request: ClientMetadataRequest, origin: Origin, id: String? = nil,
        fetch: ClientRegistrationValidator.FetchDocument = ClientRegistry.noFetch
    ) async throws -> Registered {
        var request = request
        if origin == .admin, request.applicationType == nil {
            request.applicationType = Self.inferredApplicationType(request.redirectURIs ?? [])
        }
        let validated = try await validate(request, registeredBy: origin.rawValue, fetch: fetch)
        let method = try Self.authMethod(validated)
        let now = clock.now()
        let secret = validated.usesSecret ? random.token() : nil
        let registrationAccessToken = origin == .dynamic ? random.token() : nil
        var record = ClientRecord(
            id: id ?? random.alphanumeric(length: 24), name: validated.clientName ?? "",
            secretHash: secret.map(SecretHash.sha256), redirectURIs: validated.redirectURIs,
            authMethod: method, metadata: validated.metadata,
            registrationTokenHash: registrationAccessToken.map(SecretHash.sha256),
            createdAt: now, updatedAt: now
        )
        record.sealedSecret = try seal(secret, for: record)
        try await store.create(record)
        return Registered(client: record, secret: secret, registrationAccessToken: registrationAccessToken)
    }

    /// RFC 7592 §2.2: replaces every metadata value of `record` by those of `request`
    /// (omitted values revert to their defaults). A secret is issued when the client moves to a
    /// secret method without one, and dropped when it moves away; otherwise it is kept.
    ///
    /// - Throws: `OAuthError.invalidRequest` when `client_id` is missing or another client's,
    ///   when `client_secret` differs from the current one, or when server-provisioned fields are
    ///   sent; the validator's errors otherwise; `Failure` when the client no longer exists.
    public func replace(
        _ record: ClientRecord, with request: ClientMetadataRequest,
        fetch: ClientRegistrationValidator.FetchDocument = ClientRegistry.noFetch
    ) async throws -> (client: ClientRecord, secret: String?) {
        // RFC 7592 §2.2: "The client MUST include its client_id field in the request, and it
        // MUST be the same as its currently issued client identifier."
        guard request.clientID == record.id else {
            throw OAuthError.invalidRequest("client_id must be present and name this client")
        }
        // "If the client includes the client_secret in its request, the value of this field
        // MUST match the currently issued client secret for that client."
        if let presented = request.clientSecret {
            guard let hash = record.secretHash, SecretHash.matches(presented, hash: hash) else {
                throw OAuthError.invalidRequest("client_secret does not match the issued secret")
            }
        }
        // "The client MUST NOT include the registration_access_token, registration_client_uri,
        // client_secret_expires_at, or client_id_issued_at fields in the request."
        if let field = request.serverProvisionedFields.first {
            throw OAuthError.invalidRequest("\(field) must not be sent: the server provisions it")
        }
        let validated = try await validate(request, registeredBy: record.metadata.registeredBy, fetch: fetch)
        var updated = record
        updated.name = validated.clientName ?? ""
        updated.redirectURIs = validated.redirectURIs
        updated.authMethod = try Self.authMethod(validated)
        updated.metadata = validated.metadata
        var secret: String?
        if validated.usesSecret {
            // A client that moves to client_secret_jwt needs a secret the server can read:
            // one stored only hashed cannot be sealed, so a fresh one is issued.
            if updated.secretHash == nil || (updated.authMethod == .clientSecretJWT && updated.sealedSecret == nil) {
                let fresh = random.token()
                updated.secretHash = SecretHash.sha256(fresh)
                secret = fresh
            }
        } else {
            updated.secretHash = nil
        }
        if updated.authMethod != .clientSecretJWT {
            updated.sealedSecret = nil
        } else if let secret {
            updated.sealedSecret = try seal(secret, for: updated)
        }
        updated.updatedAt = clock.now()
        guard try await store.update(updated) else { throw Failure(description: "no client \(record.id)") }
        return (updated, secret)
    }

    /// The client's registration as RFC 7591 §3.2.1 / RFC 7592 §3 describe it.
    public static func information(
        _ record: ClientRecord, secret: String? = nil, registrationAccessToken: String? = nil, registrationClientURI: String? = nil
    ) -> ClientInformation {
        ClientInformation(
            clientID: record.id, clientName: record.name, redirectURIs: record.redirectURIs,
            tokenEndpointAuthMethod: record.authMethod.rawValue, metadata: record.metadata,
            issuedAt: Int(record.createdAt.timeIntervalSince1970), hasSecret: record.secretHash != nil,
            clientSecret: secret, registrationAccessToken: registrationAccessToken, registrationClientURI: registrationClientURI
        )
    }

    /// The secret sealed for a `client_secret_jwt` client; `nil` for the other methods.
    private func seal(_ secret: String?, for record: ClientRecord) throws -> String? {
        guard record.authMethod == .clientSecretJWT, let secret else { return nil }
        guard let sealer else { throw OAuthError.invalidClientMetadata("client_secret_jwt is not available here") }
        return try sealer.seal(secret, clientID: record.id)
    }

    private func validate(
        _ request: ClientMetadataRequest, registeredBy: String, fetch: ClientRegistrationValidator.FetchDocument
    ) async throws -> ValidatedRegistration {
        switch await ClientRegistrationValidator(policy: policy).validate(request, registeredBy: registeredBy, fetch: fetch) {
        case .failure(let error): throw error
        case .success(let validated): return validated
        }
    }

    private static func authMethod(_ validated: ValidatedRegistration) throws -> ClientRecord.AuthMethod {
        guard let method = ClientRecord.AuthMethod(rawValue: validated.tokenEndpointAuthMethod) else {
            throw OAuthError.invalidClientMetadata("token_endpoint_auth_method is not supported")
        }
        return method
    }

    /// Administrators who register a custom-scheme redirect URI mean a native application
    /// (OIDC Registration §2 `application_type`; RFC 8252 §7.1).
    static func inferredApplicationType(_ redirectURIs: [String]) -> String? {
        let custom = redirectURIs.contains { uri in
            guard let scheme = URLComponents(string: uri)?.scheme?.lowercased() else { return false }
            return scheme != "https" && scheme != "http"
        }
        return custom ? "native" : nil
    }

    // MARK: - Administration

    /// Creates a client from the command line's basic options. Confidential clients get a
    /// 256-bit secret, returned once and stored only as its SHA-256; public clients
    /// authenticate with `none` and must use PKCE.
    public func create(name: String, redirectURIs: [String], isPublic: Bool, id: String? = nil) async throws -> (client: ClientRecord, secret: String?) {
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedName.isEmpty, trimmedName.count <= 200 else { throw Failure(description: "--name must be 1 to 200 characters") }
        guard !redirectURIs.isEmpty else { throw Failure(description: "at least one --redirect-uri is required") }
        let request = ClientMetadataRequest(
            redirectURIs: redirectURIs,
            // Admin-made clients may use refresh tokens (still only with offline_access + consent).
            grantTypes: ["authorization_code", "refresh_token"],
            clientName: trimmedName, tokenEndpointAuthMethod: isPublic ? "none" : "client_secret_basic"
        )
        do {
            let registered = try await register(request, origin: .admin, id: id)
            return (registered.client, registered.secret)
        } catch let error as OAuthError {
            throw Failure(description: error.errorDescription ?? error.error)
        }
    }

    /// Issues a new secret; the old one stops working at once.
    public func rotateSecret(id: String) async throws -> String {
        guard var record = try await store.find(id: id) else { throw Failure(description: "no client \(id)") }
        guard record.secretHash != nil else { throw Failure(description: "client \(id) authenticates without a secret (\(record.authMethod.rawValue))") }
        let secret = random.token()
        record.secretHash = SecretHash.sha256(secret)
        if record.authMethod == .clientSecretJWT {
            guard sealer != nil else { throw Failure(description: "client \(id) uses client_secret_jwt: its secret must be sealed with the key of the keys directory") }
            record.sealedSecret = try seal(secret, for: record)
        }
        record.updatedAt = clock.now()
        try await store.update(record)
        return secret
    }

    /// Creates the client with a known id, or updates its secret and redirect URIs (for `dev`).
    public func upsert(id: String, name: String, redirectURIs: [String], secret: String) async throws {
        let now = clock.now()
        if var record = try await store.find(id: id) {
            record.name = name
            record.redirectURIs = redirectURIs
            record.secretHash = SecretHash.sha256(secret)
            record.authMethod = .clientSecretBasic
            record.updatedAt = now
            try await store.update(record)
        } else {
            try await store.create(ClientRecord(
                id: id, name: name, secretHash: SecretHash.sha256(secret), redirectURIs: redirectURIs,
                authMethod: .clientSecretBasic, createdAt: now, updatedAt: now
            ))
        }
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
