import Foundation

/// What the protocol rules need to know about a registered client.
public struct ClientDescription: Sendable, Equatable {
    /// OIDC Registration §2 `token_endpoint_auth_method`; RFC 7523 §2.2 for the JWT methods.
    public enum AuthMethod: String, Sendable, CaseIterable {
        case clientSecretBasic = "client_secret_basic"
        case clientSecretPost = "client_secret_post"
        case clientSecretJWT = "client_secret_jwt"
        case privateKeyJWT = "private_key_jwt"
        case none = "none"
    }

    public var id: String
    public var name: String
    public var redirectURIs: [String]
    public var authMethod: AuthMethod
    /// SHA-256 of the secret; `nil` for a public client (RFC 6749 §2.1) or one using keys.
    public var secretHash: Data?
    /// Everything else the client registered.
    public var metadata: ClientMetadata
    /// The secret sealed by `SecretSealer`, only for `client_secret_jwt` (RFC 7523 §2.2).
    public var sealedSecret: String?

    /// A client that cannot authenticate (RFC 6749 §2.1): it must use PKCE.
    public var isPublic: Bool { authMethod == .none }

    public init(
        id: String, name: String, redirectURIs: [String], authMethod: AuthMethod, secretHash: Data?,
        metadata: ClientMetadata = ClientMetadata(), sealedSecret: String? = nil
    ) {
        self.id = id
        self.name = name
        self.redirectURIs = redirectURIs
        self.authMethod = authMethod
        self.secretHash = secretHash
        self.metadata = metadata
        self.sealedSecret = sealedSecret
    }

    /// Whether the client registered `grantType` (RFC 7591 §2 `grant_types`).
    public func allows(grantType: String) -> Bool { metadata.grantTypes.contains(grantType) }
}
