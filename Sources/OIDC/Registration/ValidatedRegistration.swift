/// Client metadata that passed every registration rule, with the defaults applied: ready to be
/// stored.
public struct ValidatedRegistration: Sendable, Equatable {
    /// `client_name`; `nil` when the client gave none.
    public var clientName: String?
    /// `redirect_uris`, without duplicates, in registration order.
    public var redirectURIs: [String]
    /// `token_endpoint_auth_method`, one of `RegistrationPolicy.tokenEndpointAuthMethods`.
    public var tokenEndpointAuthMethod: String
    /// Everything else, defaults applied (`registeredBy` set by the caller).
    public var metadata: ClientMetadata

    public init(clientName: String?, redirectURIs: [String], tokenEndpointAuthMethod: String, metadata: ClientMetadata) {
        self.clientName = clientName
        self.redirectURIs = redirectURIs
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.metadata = metadata
    }

    /// Whether the client authenticates with a secret the server issues (RFC 7591 §3.2.1).
    public var usesSecret: Bool { RegistrationPolicy.secretAuthMethods.contains(tokenEndpointAuthMethod) }
}
