import Foundation

/// What the protocol rules need to know about a registered client.
public struct ClientDescription: Sendable, Equatable {
    /// OIDC Registration §2 `token_endpoint_auth_method`.
    public enum AuthMethod: String, Sendable, CaseIterable {
        case clientSecretBasic = "client_secret_basic"
        case clientSecretPost = "client_secret_post"
        case none = "none"
    }

    public var id: String
    public var name: String
    public var redirectURIs: [String]
    public var authMethod: AuthMethod
    /// SHA-256 of the secret; `nil` for a public client (RFC 6749 §2.1).
    public var secretHash: Data?

    public var isPublic: Bool { secretHash == nil }

    public init(id: String, name: String, redirectURIs: [String], authMethod: AuthMethod, secretHash: Data?) {
        self.id = id
        self.name = name
        self.redirectURIs = redirectURIs
        self.authMethod = authMethod
        self.secretHash = secretHash
    }
}
