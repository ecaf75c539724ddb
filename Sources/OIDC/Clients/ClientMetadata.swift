import Foundation

/// Registration metadata of a client beyond what every request needs (OIDC Registration 1.0 §2,
/// RFC 7591 §2, RP-Initiated Logout 1.0 §3.1, Back-Channel Logout 1.0 §2.2, RFC 9126 §6).
///
/// Stored as one JSON document so that a new metadata field needs no migration. Absent values
/// mean the server's default.
public struct ClientMetadata: Sendable, Equatable, Codable {
    /// `grant_types` (RFC 7591 §2); default `["authorization_code"]`.
    public var grantTypes: [String]
    /// `response_types`; default `["code"]`.
    public var responseTypes: [String]
    /// `application_type`: `web` (default) or `native`.
    public var applicationType: String?
    public var contacts: [String]
    public var clientURI: String?
    public var logoURI: String?
    public var policyURI: String?
    public var tosURI: String?
    /// `jwks`: the client's public keys as a JWK Set document (JSON text).
    public var jwks: String?
    /// `jwks_uri`: where the client publishes its public keys.
    public var jwksURI: String?
    /// `token_endpoint_auth_signing_alg` for `private_key_jwt` / `client_secret_jwt`.
    public var tokenEndpointAuthSigningAlg: String?
    /// `id_token_signed_response_alg`; default RS256.
    public var idTokenSignedResponseAlg: String?
    /// `userinfo_signed_response_alg`; absent means plain JSON userinfo.
    public var userinfoSignedResponseAlg: String?
    /// `request_object_signing_alg`: the only algorithm accepted for request objects when set.
    public var requestObjectSigningAlg: String?
    /// `subject_type`: `public` (default) or `pairwise`.
    public var subjectType: String?
    /// `sector_identifier_uri` (OIDC Registration §5).
    public var sectorIdentifierURI: String?
    /// The pairwise sector: the host of `sector_identifier_uri`, else of the single redirect URI.
    public var sectorIdentifier: String?
    /// `default_max_age` in seconds.
    public var defaultMaxAge: Int?
    /// `require_auth_time`.
    public var requireAuthTime: Bool
    /// `post_logout_redirect_uris` (RP-Initiated Logout 1.0 §3.1).
    public var postLogoutRedirectURIs: [String]
    /// `backchannel_logout_uri` (Back-Channel Logout 1.0 §2.2).
    public var backchannelLogoutURI: String?
    /// `backchannel_logout_session_required`.
    public var backchannelLogoutSessionRequired: Bool
    /// `require_pushed_authorization_requests` (RFC 9126 §6).
    public var requirePushedAuthorizationRequests: Bool
    /// `request_uris` (OIDC Registration §2): the only `request_uri` values a dynamically
    /// registered client may use.
    public var requestURIs: [String]
    /// `client_secret_expires_at` promised at registration (0 = never).
    public var clientSecretExpiresAt: Int
    /// `dynamic` when created by Dynamic Client Registration, `admin` when by the CLI.
    public var registeredBy: String

    public init(
        grantTypes: [String] = ["authorization_code"], responseTypes: [String] = ["code"],
        applicationType: String? = nil, contacts: [String] = [], clientURI: String? = nil,
        logoURI: String? = nil, policyURI: String? = nil, tosURI: String? = nil,
        jwks: String? = nil, jwksURI: String? = nil, tokenEndpointAuthSigningAlg: String? = nil,
        idTokenSignedResponseAlg: String? = nil, userinfoSignedResponseAlg: String? = nil,
        requestObjectSigningAlg: String? = nil, subjectType: String? = nil,
        sectorIdentifierURI: String? = nil, sectorIdentifier: String? = nil,
        defaultMaxAge: Int? = nil, requireAuthTime: Bool = false,
        postLogoutRedirectURIs: [String] = [], backchannelLogoutURI: String? = nil,
        backchannelLogoutSessionRequired: Bool = false,
        requirePushedAuthorizationRequests: Bool = false, clientSecretExpiresAt: Int = 0,
        registeredBy: String = "admin", requestURIs: [String] = []
    ) {
        self.grantTypes = grantTypes
        self.responseTypes = responseTypes
        self.applicationType = applicationType
        self.contacts = contacts
        self.clientURI = clientURI
        self.logoURI = logoURI
        self.policyURI = policyURI
        self.tosURI = tosURI
        self.jwks = jwks
        self.jwksURI = jwksURI
        self.tokenEndpointAuthSigningAlg = tokenEndpointAuthSigningAlg
        self.idTokenSignedResponseAlg = idTokenSignedResponseAlg
        self.userinfoSignedResponseAlg = userinfoSignedResponseAlg
        self.requestObjectSigningAlg = requestObjectSigningAlg
        self.subjectType = subjectType
        self.sectorIdentifierURI = sectorIdentifierURI
        self.sectorIdentifier = sectorIdentifier
        self.defaultMaxAge = defaultMaxAge
        self.requireAuthTime = requireAuthTime
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.backchannelLogoutURI = backchannelLogoutURI
        self.backchannelLogoutSessionRequired = backchannelLogoutSessionRequired
        self.requirePushedAuthorizationRequests = requirePushedAuthorizationRequests
        self.clientSecretExpiresAt = clientSecretExpiresAt
        self.registeredBy = registeredBy
        self.requestURIs = requestURIs
    }

    /// Decodes leniently: a stored document written by an older version lacks newer keys.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        grantTypes = try c.decodeIfPresent([String].self, forKey: .grantTypes) ?? grantTypes
        responseTypes = try c.decodeIfPresent([String].self, forKey: .responseTypes) ?? responseTypes
        applicationType = try c.decodeIfPresent(String.self, forKey: .applicationType)
        contacts = try c.decodeIfPresent([String].self, forKey: .contacts) ?? []
        clientURI = try c.decodeIfPresent(String.self, forKey: .clientURI)
        logoURI = try c.decodeIfPresent(String.self, forKey: .logoURI)
        policyURI = try c.decodeIfPresent(String.self, forKey: .policyURI)
        tosURI = try c.decodeIfPresent(String.self, forKey: .tosURI)
        jwks = try c.decodeIfPresent(String.self, forKey: .jwks)
        jwksURI = try c.decodeIfPresent(String.self, forKey: .jwksURI)
        tokenEndpointAuthSigningAlg = try c.decodeIfPresent(String.self, forKey: .tokenEndpointAuthSigningAlg)
        idTokenSignedResponseAlg = try c.decodeIfPresent(String.self, forKey: .idTokenSignedResponseAlg)
        userinfoSignedResponseAlg = try c.decodeIfPresent(String.self, forKey: .userinfoSignedResponseAlg)
        requestObjectSigningAlg = try c.decodeIfPresent(String.self, forKey: .requestObjectSigningAlg)
        subjectType = try c.decodeIfPresent(String.self, forKey: .subjectType)
        sectorIdentifierURI = try c.decodeIfPresent(String.self, forKey: .sectorIdentifierURI)
        sectorIdentifier = try c.decodeIfPresent(String.self, forKey: .sectorIdentifier)
        defaultMaxAge = try c.decodeIfPresent(Int.self, forKey: .defaultMaxAge)
        requireAuthTime = try c.decodeIfPresent(Bool.self, forKey: .requireAuthTime) ?? false
        postLogoutRedirectURIs = try c.decodeIfPresent([String].self, forKey: .postLogoutRedirectURIs) ?? []
        backchannelLogoutURI = try c.decodeIfPresent(String.self, forKey: .backchannelLogoutURI)
        backchannelLogoutSessionRequired = try c.decodeIfPresent(Bool.self, forKey: .backchannelLogoutSessionRequired) ?? false
        requirePushedAuthorizationRequests = try c.decodeIfPresent(Bool.self, forKey: .requirePushedAuthorizationRequests) ?? false
        clientSecretExpiresAt = try c.decodeIfPresent(Int.self, forKey: .clientSecretExpiresAt) ?? 0
        registeredBy = try c.decodeIfPresent(String.self, forKey: .registeredBy) ?? "admin"
        requestURIs = try c.decodeIfPresent([String].self, forKey: .requestURIs) ?? []
    }
}
