import Foundation

/// Client metadata as a client (RFC 7591 §2, OIDC Registration 1.0 §2) or an administrator
/// submits it, before validation. Every field is optional here: `ClientRegistrationValidator`
/// decides what is required and applies the defaults. Unknown members, including
/// language-tagged variants such as `client_name#ja-Jpan-JP`, are ignored (RFC 7591 §2: "The
/// authorization server MUST ignore any client metadata sent by the client that it does not
/// understand").
public struct ClientMetadataRequest: Sendable, Equatable, Decodable {
    public var redirectURIs: [String]?
    public var responseTypes: [String]?
    public var grantTypes: [String]?
    public var applicationType: String?
    public var contacts: [String]?
    public var clientName: String?
    public var logoURI: String?
    public var clientURI: String?
    public var policyURI: String?
    public var tosURI: String?
    public var jwksURI: String?
    public var jwks: JSONValue?
    public var sectorIdentifierURI: String?
    public var subjectType: String?
    public var idTokenSignedResponseAlg: String?
    public var userinfoSignedResponseAlg: String?
    public var requestObjectSigningAlg: String?
    public var tokenEndpointAuthMethod: String?
    public var tokenEndpointAuthSigningAlg: String?
    public var defaultMaxAge: Int?
    public var requireAuthTime: Bool?
    public var postLogoutRedirectURIs: [String]?
    public var backchannelLogoutURI: String?
    public var backchannelLogoutSessionRequired: Bool?
    public var requirePushedAuthorizationRequests: Bool?
    /// `request_uris` (OIDC Registration §2): the `request_uri` values the client may use.
    public var requestURIs: [String]?
    /// Encryption metadata (OIDC Registration §2 `*_encrypted_*`): this provider encrypts
    /// nothing, so any of them present is refused rather than silently ignored.
    public var encryptionFields: [String] = []
    /// RFC 7592 §2.2: an update names the client and may repeat its secret.
    public var clientID: String?
    public var clientSecret: String?
    /// Fields the server provisions; RFC 7592 §2.2: "The client MUST NOT include the
    /// registration_access_token, registration_client_uri, client_secret_expires_at, or
    /// client_id_issued_at fields in the request."
    public var serverProvisionedFields: [String] = []

    public init(
        redirectURIs: [String]? = nil, responseTypes: [String]? = nil, grantTypes: [String]? = nil,
        applicationType: String? = nil, contacts: [String]? = nil, clientName: String? = nil,
        logoURI: String? = nil, clientURI: String? = nil, policyURI: String? = nil, tosURI: String? = nil,
        jwksURI: String? = nil, jwks: JSONValue? = nil, sectorIdentifierURI: String? = nil,
        subjectType: String? = nil, idTokenSignedResponseAlg: String? = nil,
        userinfoSignedResponseAlg: String? = nil, requestObjectSigningAlg: String? = nil,
        tokenEndpointAuthMethod: String? = nil, tokenEndpointAuthSigningAlg: String? = nil,
        defaultMaxAge: Int? = nil, requireAuthTime: Bool? = nil, postLogoutRedirectURIs: [String]? = nil,
        backchannelLogoutURI: String? = nil, backchannelLogoutSessionRequired: Bool? = nil,
        requirePushedAuthorizationRequests: Bool? = nil, requestURIs: [String]? = nil
    ) {
        self.redirectURIs = redirectURIs
        self.responseTypes = responseTypes
        self.grantTypes = grantTypes
        self.applicationType = applicationType
        self.contacts = contacts
        self.clientName = clientName
        self.logoURI = logoURI
        self.clientURI = clientURI
        self.policyURI = policyURI
        self.tosURI = tosURI
        self.jwksURI = jwksURI
        self.jwks = jwks
        self.sectorIdentifierURI = sectorIdentifierURI
        self.subjectType = subjectType
        self.idTokenSignedResponseAlg = idTokenSignedResponseAlg
        self.userinfoSignedResponseAlg = userinfoSignedResponseAlg
        self.requestObjectSigningAlg = requestObjectSigningAlg
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.tokenEndpointAuthSigningAlg = tokenEndpointAuthSigningAlg
        self.defaultMaxAge = defaultMaxAge
        self.requireAuthTime = requireAuthTime
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.backchannelLogoutURI = backchannelLogoutURI
        self.backchannelLogoutSessionRequired = backchannelLogoutSessionRequired
        self.requirePushedAuthorizationRequests = requirePushedAuthorizationRequests
        self.requestURIs = requestURIs
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case redirectURIs = "redirect_uris"
        case responseTypes = "response_types"
        case grantTypes = "grant_types"
        case applicationType = "application_type"
        case contacts
        case clientName = "client_name"
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
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case tokenEndpointAuthSigningAlg = "token_endpoint_auth_signing_alg"
        case defaultMaxAge = "default_max_age"
        case requireAuthTime = "require_auth_time"
        case postLogoutRedirectURIs = "post_logout_redirect_uris"
        case backchannelLogoutURI = "backchannel_logout_uri"
        case backchannelLogoutSessionRequired = "backchannel_logout_session_required"
        case requirePushedAuthorizationRequests = "require_pushed_authorization_requests"
        case requestURIs = "request_uris"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        // Encryption (OIDC Registration §2), refused.
        case idTokenEncryptedResponseAlg = "id_token_encrypted_response_alg"
        case idTokenEncryptedResponseEnc = "id_token_encrypted_response_enc"
        case userinfoEncryptedResponseAlg = "userinfo_encrypted_response_alg"
        case userinfoEncryptedResponseEnc = "userinfo_encrypted_response_enc"
        case requestObjectEncryptionAlg = "request_object_encryption_alg"
        case requestObjectEncryptionEnc = "request_object_encryption_enc"
        // Provisioned by the server (RFC 7591 §3.2.1, RFC 7592 §3).
        case registrationAccessToken = "registration_access_token"
        case registrationClientURI = "registration_client_uri"
        case clientSecretExpiresAt = "client_secret_expires_at"
        case clientIDIssuedAt = "client_id_issued_at"

        static let encryption: [CodingKeys] = [
            .idTokenEncryptedResponseAlg, .idTokenEncryptedResponseEnc, .userinfoEncryptedResponseAlg,
            .userinfoEncryptedResponseEnc, .requestObjectEncryptionAlg, .requestObjectEncryptionEnc,
        ]
        static let serverProvisioned: [CodingKeys] = [
            .registrationAccessToken, .registrationClientURI, .clientSecretExpiresAt, .clientIDIssuedAt,
        ]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        redirectURIs = try c.decodeIfPresent([String].self, forKey: .redirectURIs)
        responseTypes = try c.decodeIfPresent([String].self, forKey: .responseTypes)
        grantTypes = try c.decodeIfPresent([String].self, forKey: .grantTypes)
        applicationType = try c.decodeIfPresent(String.self, forKey: .applicationType)
        contacts = try c.decodeIfPresent([String].self, forKey: .contacts)
        clientName = try c.decodeIfPresent(String.self, forKey: .clientName)
        logoURI = try c.decodeIfPresent(String.self, forKey: .logoURI)
        clientURI = try c.decodeIfPresent(String.self, forKey: .clientURI)
        policyURI = try c.decodeIfPresent(String.self, forKey: .policyURI)
        tosURI = try c.decodeIfPresent(String.self, forKey: .tosURI)
        jwksURI = try c.decodeIfPresent(String.self, forKey: .jwksURI)
        jwks = try c.decodeIfPresent(JSONValue.self, forKey: .jwks)
        sectorIdentifierURI = try c.decodeIfPresent(String.self, forKey: .sectorIdentifierURI)
        subjectType = try c.decodeIfPresent(String.self, forKey: .subjectType)
        idTokenSignedResponseAlg = try c.decodeIfPresent(String.self, forKey: .idTokenSignedResponseAlg)
        userinfoSignedResponseAlg = try c.decodeIfPresent(String.self, forKey: .userinfoSignedResponseAlg)
        requestObjectSigningAlg = try c.decodeIfPresent(String.self, forKey: .requestObjectSigningAlg)
        tokenEndpointAuthMethod = try c.decodeIfPresent(String.self, forKey: .tokenEndpointAuthMethod)
        tokenEndpointAuthSigningAlg = try c.decodeIfPresent(String.self, forKey: .tokenEndpointAuthSigningAlg)
        defaultMaxAge = try c.decodeIfPresent(Int.self, forKey: .defaultMaxAge)
        requireAuthTime = try c.decodeIfPresent(Bool.self, forKey: .requireAuthTime)
        postLogoutRedirectURIs = try c.decodeIfPresent([String].self, forKey: .postLogoutRedirectURIs)
        backchannelLogoutURI = try c.decodeIfPresent(String.self, forKey: .backchannelLogoutURI)
        backchannelLogoutSessionRequired = try c.decodeIfPresent(Bool.self, forKey: .backchannelLogoutSessionRequired)
        requirePushedAuthorizationRequests = try c.decodeIfPresent(Bool.self, forKey: .requirePushedAuthorizationRequests)
        requestURIs = try c.decodeIfPresent([String].self, forKey: .requestURIs)
        clientID = try c.decodeIfPresent(String.self, forKey: .clientID)
        clientSecret = try c.decodeIfPresent(String.self, forKey: .clientSecret)
        encryptionFields = try CodingKeys.encryption.filter { try c.decodeIfPresent(JSONValue.self, forKey: $0) != nil }.map(\.rawValue)
        serverProvisionedFields = try CodingKeys.serverProvisioned.filter { try c.decodeIfPresent(JSONValue.self, forKey: $0) != nil }.map(\.rawValue)
    }

    /// Parses a request body (RFC 7591 §3.1: a JSON object). A body that is not JSON, not an
    /// object, or has a member of the wrong type is `invalid_client_metadata`, naming the member.
    public static func parse(_ body: some Collection<UInt8>) -> Result<ClientMetadataRequest, OAuthError> {
        do {
            return .success(try JSONDecoder().decode(ClientMetadataRequest.self, from: Data(body)))
        } catch let error as DecodingError {
            let path: [any CodingKey]
            switch error {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
                path = context.codingPath
            @unknown default:
                path = []
            }
            guard let field = path.first?.stringValue else {
                return .failure(.invalidClientMetadata("the body must be a JSON object"))
            }
            return .failure(.invalidClientMetadata("\(field) has the wrong type"))
        } catch {
            return .failure(.invalidClientMetadata("the body must be a JSON object"))
        }
    }
}
