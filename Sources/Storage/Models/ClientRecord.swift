import Foundation

/// A registered OIDC client (relying party) as stored.
///
/// The secret itself is never stored: only `SHA-256(secret)`, compared in constant time
/// (RFC 6749 §2.3.1 leaves the storage to the server; a 256-bit random secret needs no slow KDF).
public struct ClientRecord: Sendable, Equatable, Codable {
    /// How the client authenticates at the token endpoint (OIDC Registration §2,
    /// `token_endpoint_auth_method`).
    public enum AuthMethod: String, Sendable, Codable, CaseIterable {
        case clientSecretBasic = "client_secret_basic"
        case clientSecretPost = "client_secret_post"
        case none = "none"
    }

    public var id: String
    public var name: String
    /// SHA-256 of the client secret; `nil` for a public client.
    public var secretHash: Data?
    public var redirectURIs: [String]
    public var authMethod: AuthMethod
    public var createdAt: Date
    public var updatedAt: Date

    public var isPublic: Bool { secretHash == nil }

    public init(
        id: String, name: String, secretHash: Data?, redirectURIs: [String],
        authMethod: AuthMethod, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.redirectURIs = redirectURIs
        self.authMethod = authMethod
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
