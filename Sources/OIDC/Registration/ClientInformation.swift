/// The Client Information Response (RFC 7591 §3.2.1, RFC 7592 §3, OIDC Registration §3.2):
/// the client's credentials and "all registered metadata about the client, including any
/// fields provisioned by the authorization server itself", defaults applied.
public struct ClientInformation: Encodable, Sendable, Equatable {
    public var clientID: String
    /// Only when the server has just issued it: the provider keeps nothing but its hash.
    public var clientSecret: String?
    /// RFC 7591 §3.2.1: "REQUIRED if client_secret is issued"; 0 = never expires.
    public var clientSecretExpiresAt: Int?
    public var clientIDIssuedAt: Int
    public var registrationAccessToken: String?
    public var registrationClientURI: String?
    public var clientName: String?
    public var redirectURIs: [String]
    public var tokenEndpointAuthMethod: String
    public var grantTypes: [String]
    public var responseTypes: [String]
    public var applicationType: String
    public var contacts: [String]?
    public var logoURI: String?
    public var clientURI: String?
    public var policyURI: String?
    public var tosURI: String?
    public var jwksURI: String?
    public var jwks: JSONValue?
    public var sectorIdentifierURI: String?
    public var subjectType: String
    public var idTokenSignedResponseAlg: String
    public var userinfoSignedResponseAlg: String?
    public var requestObjectSigningAlg: String?
    public var tokenEndpointAuthSigningAlg: String?
    public var defaultMaxAge: Int?
    public var requireAuthTime: Bool
    public var postLogoutRedirectURIs: [String]?
    public var backchannelLogoutURI: String?
    public var backchannelLogoutSessionRequired: Bool
    public var requirePushedAuthorizationRequests: Bool
    /// OIDC Registration §2 `request_uris`.
    public var requestURIs: [String]?

    /// The information of a stored client. Absent optional metadata gets the defaults of
    /// OIDC Registration §2 (`web`, `public`, `RS256`).
    public init(
        clientID: String, clientName: String, redirectURIs: [String], tokenEndpointAuthMethod: String,
        metadata: ClientMetadata, issuedAt: Int, hasSecret: Bool, clientSecret: String? = nil,
        registrationAccessToken: String? = nil, registrationClientURI: String? = nil
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.clientSecretExpiresAt = hasSecret ? metadata.clientSecretExpiresAt : nil
        self.clientIDIssuedAt = issuedAt
        self.registrationAccessToken = registrationAccessToken
        self.registrationClientURI = registrationClientURI
        self.clientName = clientName.isEmpty ? nil : clientName
        self.redirectURIs = redirectURIs
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.grantTypes = metadata.grantTypes
        self.responseTypes = metadata.responseTypes
        self.applicationType = metadata.applicationType ?? "web"
        self.contacts = metadata.contacts.isEmpty ? nil : metadata.contacts
        self.logoURI = metadata.logoURI
        self.clientURI = metadata.clientURI
        self.policyURI = metadata.policyURI
        self.tosURI = metadata.tosURI
        self.jwksURI = metadata.jwksURI
        self.jwks = metadata.jwks.flatMap { JSONValue.parse(Array($0.utf8)) }
        self.sectorIdentifierURI = metadata.sectorIdentifierURI
        self.subjectType = metadata.subjectType ?? "public"
        self.idTokenSignedResponseAlg = metadata.idTokenSignedResponseAlg ?? "RS256"
        self.userinfoSignedResponseAlg = metadata.userinfoSignedResponseAlg
        self.requestObjectSigningAlg = metadata.requestObjectSigningAlg
        self.tokenEndpointAuthSigningAlg = metadata.tokenEndpointAuthSigningAlg
        self.defaultMaxAge = metadata.defaultMaxAge
        self.requireAuthTime = metadata.requireAuthTime
        self.postLogoutRedirectURIs = metadata.postLogoutRedirectURIs.isEmpty ? nil : metadata.postLogoutRedirectURIs
        self.backchannelLogoutURI = metadata.backchannelLogoutURI
        self.backchannelLogoutSessionRequired = metadata.backchannelLogoutSessionRequired
        self.requirePushedAuthorizationRequests = metadata.requirePushedAuthorizationRequests
        self.requestURIs = metadata.requestURIs.isEmpty ? nil : metadata.requestURIs
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case clientSecretExpiresAt = "client_secret_expires_at"
        case clientIDIssuedAt = "client_id_issued_at"
        case registrationAccessToken = "registration_access_token"
        case registrationClientURI = "registration_client_uri"
        case clientName = "client_name"
        case redirectURIs = "redirect_uris"
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case grantTypes = "grant_types"
        case responseTypes = "response_types"
        case applicationType = "application_type"
        case contacts
        case logoURI = "logo_uri"
        case clientURI = "client_uri"
        case policyURI = "policy_uri"
        case tosURI = "tos_uri"
        case jwksURI = "jwks_uri"
        case jwks
        case sectorIdentifierURI = "sector_identifier_uri"
        case subjectType = "subject_type"
        case idTokenSignedResponseAlg = "id_token_signed_response_alg"
        case userinfoSignedResponseAlg = "userinfo_signed_response_alg"
        case requestObjectSigningAlg = "request_object_signing_alg"
        case tokenEndpointAuthSigningAlg = "token_endpoint_auth_signing_alg"
        case defaultMaxAge = "default_max_age"
        case requireAuthTime = "require_auth_time"
        case postLogoutRedirectURIs = "post_logout_redirect_uris"
        case backchannelLogoutURI = "backchannel_logout_uri"
        case backchannelLogoutSessionRequired = "backchannel_logout_session_required"
        case requirePushedAuthorizationRequests = "require_pushed_authorization_requests"
        case requestURIs = "request_uris"
    }
}
