/// OpenID Provider Metadata (OIDC Discovery 1.0 §3), generated from the same configuration
/// that enables the features, so it can only advertise what the server really does.
public struct ProviderMetadata: Codable, Sendable, Equatable {
    public var issuer: String
    public var authorizationEndpoint: String
    public var tokenEndpoint: String
    public var userinfoEndpoint: String
    public var jwksURI: String
    public var scopesSupported: [String]
    public var responseTypesSupported: [String]
    public var responseModesSupported: [String]
    public var grantTypesSupported: [String]
    public var subjectTypesSupported: [String]
    public var idTokenSigningAlgValuesSupported: [String]
    public var tokenEndpointAuthMethodsSupported: [String]
    public var claimsSupported: [String]
    public var codeChallengeMethodsSupported: [String]
    public var authorizationResponseIssParameterSupported: Bool
    public var requestParameterSupported: Bool
    public var requestURIParameterSupported: Bool
    public var claimsParameterSupported: Bool
    public var promptValuesSupported: [String]
    /// RFC 7591 §3 / OIDC Discovery §3 `registration_endpoint`: only when registration is enabled.
    public var registrationEndpoint: String? = nil
    /// RP-Initiated Logout 1.0 §2.1.
    public var endSessionEndpoint: String? = nil
    /// RFC 7009 / RFC 8414 §2.
    public var revocationEndpoint: String? = nil
    public var revocationEndpointAuthMethodsSupported: [String]? = nil
    /// RFC 7662 / RFC 8414 §2.
    public var introspectionEndpoint: String? = nil
    public var introspectionEndpointAuthMethodsSupported: [String]? = nil
    /// Back-Channel Logout 1.0 §2.1.
    public var backchannelLogoutSupported: Bool? = nil
    public var backchannelLogoutSessionSupported: Bool? = nil
    /// OIDC Discovery §3.
    public var acrValuesSupported: [String]? = nil
    public var claimTypesSupported: [String]? = nil
    /// OIDC Discovery §3 / RFC 8414 §2: algorithms of `private_key_jwt` and `client_secret_jwt`.
    public var tokenEndpointAuthSigningAlgValuesSupported: [String]? = nil
    public var revocationEndpointAuthSigningAlgValuesSupported: [String]? = nil
    public var introspectionEndpointAuthSigningAlgValuesSupported: [String]? = nil
    /// OIDC Discovery §3: algorithms of signed userinfo responses (OIDC Core §5.3.2).
    public var userinfoSigningAlgValuesSupported: [String]? = nil
    /// OIDC Discovery §3: request objects (OIDC Core §6).
    public var requireRequestURIRegistration: Bool? = nil
    public var requestObjectSigningAlgValuesSupported: [String]? = nil
    /// RFC 9126 §5.
    public var pushedAuthorizationRequestEndpoint: String? = nil
    public var requirePushedAuthorizationRequests: Bool? = nil

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case userinfoEndpoint = "userinfo_endpoint"
        case jwksURI = "jwks_uri"
        case scopesSupported = "scopes_supported"
        case responseTypesSupported = "response_types_supported"
        case responseModesSupported = "response_modes_supported"
        case grantTypesSupported = "grant_types_supported"
        case subjectTypesSupported = "subject_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case claimsSupported = "claims_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case requestParameterSupported = "request_parameter_supported"
        case requestURIParameterSupported = "request_uri_parameter_supported"
        case claimsParameterSupported = "claims_parameter_supported"
        case promptValuesSupported = "prompt_values_supported"
        case registrationEndpoint = "registration_endpoint"
        case endSessionEndpoint = "end_session_endpoint"
        case revocationEndpoint = "revocation_endpoint"
        case revocationEndpointAuthMethodsSupported = "revocation_endpoint_auth_methods_supported"
        case introspectionEndpoint = "introspection_endpoint"
        case introspectionEndpointAuthMethodsSupported = "introspection_endpoint_auth_methods_supported"
        case backchannelLogoutSupported = "backchannel_logout_supported"
        case backchannelLogoutSessionSupported = "backchannel_logout_session_supported"
        case acrValuesSupported = "acr_values_supported"
        case claimTypesSupported = "claim_types_supported"
        case tokenEndpointAuthSigningAlgValuesSupported = "token_endpoint_auth_signing_alg_values_supported"
        case revocationEndpointAuthSigningAlgValuesSupported = "revocation_endpoint_auth_signing_alg_values_supported"
        case introspectionEndpointAuthSigningAlgValuesSupported = "introspection_endpoint_auth_signing_alg_values_supported"
        case userinfoSigningAlgValuesSupported = "userinfo_signing_alg_values_supported"
        case requireRequestURIRegistration = "require_request_uri_registration"
        case requestObjectSigningAlgValuesSupported = "request_object_signing_alg_values_supported"
        case pushedAuthorizationRequestEndpoint = "pushed_authorization_request_endpoint"
        case requirePushedAuthorizationRequests = "require_pushed_authorization_requests"
    }

    /// The endpoints, relative to the issuer, that the server mounts.
    public enum Path {
        public static let discovery = "/.well-known/openid-configuration"
        public static let authorization = "/authorize"
        public static let token = "/token"
        public static let userinfo = "/userinfo"
        public static let jwks = "/jwks"
        public static let wechatCallback = "/callback/wechat"
        /// RFC 7591 §3; the RFC 7592 client configuration endpoint is `/register/{client_id}`.
        public static let registration = "/register"
        public static let endSession = "/logout"
        public static let revocation = "/revoke"
        public static let introspection = "/introspect"
        /// RFC 9126 §2.
        public static let pushedAuthorizationRequest = "/par"
    }

    /// The metadata of this server for `issuer` (no trailing slash); `registrationEnabled`
    /// when Dynamic Client Registration is routed; `parRequired` when every client must push
    /// its authorization requests; `requestObjects` says whether Request Objects are accepted
    /// by value and by reference.
    public static func forIssuer(
        _ issuer: String, registrationEnabled: Bool = false, parRequired: Bool = false,
        requestObjects: (byValue: Bool, byReference: Bool) = (true, true)
    ) -> ProviderMetadata {
        var metadata = ProviderMetadata(
            issuer: issuer,
            authorizationEndpoint: issuer + Path.authorization,
            tokenEndpoint: issuer + Path.token,
            userinfoEndpoint: issuer + Path.userinfo,
            jwksURI: issuer + Path.jwks,
            scopesSupported: Scope.supported,
            responseTypesSupported: ["code"],
            responseModesSupported: ResponseMode.allCases.map(\.rawValue),
            grantTypesSupported: ["authorization_code", "refresh_token"],
            subjectTypesSupported: ["public", "pairwise"],
            idTokenSigningAlgValuesSupported: ["RS256"],
            tokenEndpointAuthMethodsSupported: ClientCredentials.supportedMethods,
            claimsSupported: Scope.claimsSupported,
            codeChallengeMethodsSupported: ["S256"],
            authorizationResponseIssParameterSupported: true,
            requestParameterSupported: true,
            requestURIParameterSupported: true,
            claimsParameterSupported: true,
            promptValuesSupported: ["none", "login", "consent", "select_account"]
        )
        if registrationEnabled { metadata.registrationEndpoint = issuer + Path.registration }
        metadata.endSessionEndpoint = issuer + Path.endSession
        metadata.revocationEndpoint = issuer + Path.revocation
        metadata.revocationEndpointAuthMethodsSupported = ClientCredentials.supportedMethods
        metadata.introspectionEndpoint = issuer + Path.introspection
        metadata.introspectionEndpointAuthMethodsSupported = ClientCredentials.supportedMethods.filter { $0 != "none" }
        metadata.backchannelLogoutSupported = true
        metadata.backchannelLogoutSessionSupported = true
        metadata.acrValuesSupported = ACR.supported
        metadata.claimTypesSupported = ["normal"]
        metadata.tokenEndpointAuthSigningAlgValuesSupported = ClientCredentials.assertionSigningAlgorithms
        metadata.revocationEndpointAuthSigningAlgValuesSupported = ClientCredentials.assertionSigningAlgorithms
        metadata.introspectionEndpointAuthSigningAlgValuesSupported = ClientCredentials.assertionSigningAlgorithms
        // Signed with the same keys as ID tokens: the server narrows it to the algorithms that
        // have an active key, as for id_token_signing_alg_values_supported.
        metadata.userinfoSigningAlgValuesSupported = SigningAlgorithm.allCases.map(\.jwsName)
        // OIDC Core §6: request objects by value and by reference, unsigned or signed with the
        // client's keys. Clients registered by an administrator may use any https request_uri;
        // dynamically registered ones only those in their request_uris, so registration is not
        // required of every client.
        metadata.requestParameterSupported = requestObjects.byValue
        metadata.requestURIParameterSupported = requestObjects.byReference
        if requestObjects.byReference { metadata.requireRequestURIRegistration = false }
        // Pushed requests may carry a request object too.
        if requestObjects.byValue || requestObjects.byReference {
            metadata.requestObjectSigningAlgValuesSupported = RequestObjectRules.signingAlgorithms
        }
        metadata.pushedAuthorizationRequestEndpoint = issuer + Path.pushedAuthorizationRequest
        metadata.requirePushedAuthorizationRequests = parRequired
        return metadata
    }
}
