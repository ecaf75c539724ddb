/// What a client may register: the one place that says which metadata values this provider
/// accepts. `standard` is everything the registration rules understand; a server narrows it to
/// what it really does (the values its discovery document advertises), so a client can never
/// register a behaviour the provider would not honour. When a feature grows (ES256 ID tokens,
/// a new client authentication method), the set grows here or in discovery, nowhere else.
public struct RegistrationPolicy: Sendable, Equatable {
    /// `token_endpoint_auth_method` values (OIDC Registration §2; RFC 7591 §2).
    public var tokenEndpointAuthMethods: [String]
    /// `response_types` (RFC 7591 §2): the code flow only.
    public var responseTypes: [String]
    /// `grant_types` (RFC 7591 §2).
    public var grantTypes: [String]
    /// `application_type` (OIDC Registration §2).
    public var applicationTypes: [String]
    /// `subject_type` (OIDC Core §8).
    public var subjectTypes: [String]
    /// `id_token_signed_response_alg`: JWS algorithms the provider signs ID tokens with. Never
    /// `none`: this provider always signs ID tokens.
    public var idTokenSigningAlgs: [String]
    /// `userinfo_signed_response_alg`.
    public var userinfoSigningAlgs: [String]
    /// `request_object_signing_alg` (OIDC Registration §2: "The value none MAY be used").
    public var requestObjectSigningAlgs: [String]
    /// `token_endpoint_auth_signing_alg` for `private_key_jwt` (asymmetric algorithms).
    public var privateKeyJWTSigningAlgs: [String]
    /// `token_endpoint_auth_signing_alg` for `client_secret_jwt` (HMAC algorithms).
    public var clientSecretJWTSigningAlgs: [String]
    /// Whether URLs the provider itself calls (`sector_identifier_uri`, `jwks_uri`,
    /// `backchannel_logout_uri`) may use plain http on a loopback host. Only for local
    /// development (an http issuer) or an administrator: otherwise anyone who registers could
    /// make the server call services on its own machine.
    public var allowsLoopbackHTTPCallbacks: Bool

    public init(
        tokenEndpointAuthMethods: [String], responseTypes: [String], grantTypes: [String],
        applicationTypes: [String], subjectTypes: [String], idTokenSigningAlgs: [String],
        userinfoSigningAlgs: [String], requestObjectSigningAlgs: [String],
        privateKeyJWTSigningAlgs: [String], clientSecretJWTSigningAlgs: [String],
        allowsLoopbackHTTPCallbacks: Bool
    ) {
        self.tokenEndpointAuthMethods = tokenEndpointAuthMethods
        self.responseTypes = responseTypes
        self.grantTypes = grantTypes
        self.applicationTypes = applicationTypes
        self.subjectTypes = subjectTypes
        self.idTokenSigningAlgs = idTokenSigningAlgs
        self.userinfoSigningAlgs = userinfoSigningAlgs
        self.requestObjectSigningAlgs = requestObjectSigningAlgs
        self.privateKeyJWTSigningAlgs = privateKeyJWTSigningAlgs
        self.clientSecretJWTSigningAlgs = clientSecretJWTSigningAlgs
        self.allowsLoopbackHTTPCallbacks = allowsLoopbackHTTPCallbacks
    }

    /// The client authentication methods that use a client secret (RFC 7591 §2: the server
    /// issues `client_secret` only for these).
    public static let secretAuthMethods: Set<String> = ["client_secret_basic", "client_secret_post", "client_secret_jwt"]

    /// Everything the registration rules understand.
    public static let standard = RegistrationPolicy(
        tokenEndpointAuthMethods: ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"],
        responseTypes: ["code"],
        grantTypes: ["authorization_code", "refresh_token"],
        applicationTypes: ["web", "native"],
        subjectTypes: ["public", "pairwise"],
        // Every algorithm the provider can sign with; a server narrows it to those with an active key.
        idTokenSigningAlgs: SigningAlgorithm.allCases.map(\.jwsName),
        userinfoSigningAlgs: SigningAlgorithm.allCases.map(\.jwsName),
        requestObjectSigningAlgs: SigningAlgorithm.allCases.map(\.jwsName) + ["none"],
        privateKeyJWTSigningAlgs: ["RS256", "ES256", "PS256"],
        clientSecretJWTSigningAlgs: ["HS256"],
        allowsLoopbackHTTPCallbacks: false
    )

    /// This policy limited to what a provider advertises in its discovery document (OIDC
    /// Discovery §3): authentication methods, subject types, response types and ID token
    /// algorithms. `grant_types_supported` is left out on purpose: `refresh_token` is a grant a
    /// client may hold before the provider issues refresh tokens to it.
    public func limited(to metadata: ProviderMetadata) -> RegistrationPolicy {
        var policy = self
        policy.tokenEndpointAuthMethods = tokenEndpointAuthMethods.filter(metadata.tokenEndpointAuthMethodsSupported.contains)
        policy.subjectTypes = subjectTypes.filter(metadata.subjectTypesSupported.contains)
        policy.responseTypes = responseTypes.filter(metadata.responseTypesSupported.contains)
        policy.idTokenSigningAlgs = idTokenSigningAlgs.filter(metadata.idTokenSigningAlgValuesSupported.contains)
        policy.userinfoSigningAlgs = userinfoSigningAlgs.filter((metadata.userinfoSigningAlgValuesSupported ?? []).contains)
        return policy
    }
}
