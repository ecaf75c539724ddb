import Foundation
import OIDC

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
        /// RFC 7523 §2.2 with an HMAC of the client secret (the secret is kept encrypted).
        case clientSecretJWT = "client_secret_jwt"
        /// RFC 7523 §2.2 signed with a key from the client's `jwks` / `jwks_uri`.
        case privateKeyJWT = "private_key_jwt"
        case none = "none"
    }

    public var id: String
    public var name: String
    /// SHA-256 of the client secret; `nil` for a public client.
    public var secretHash: Data?
    public var redirectURIs: [String]
    public var authMethod: AuthMethod
    /// Everything else the client registered.
    public var metadata: ClientMetadata
    /// SHA-256 of the RFC 7592 `registration_access_token`; `nil` for clients made by an admin.
    public var registrationTokenHash: Data?
    /// The client secret sealed with the server's secret-sealing key, only for
    /// `client_secret_jwt` clients (an HMAC needs the secret itself; RFC 7523 §2.2).
    public var sealedSecret: String?
    public var createdAt: Date
    public var updatedAt: Date

    /// Changes with every update of the stored client (its `updatedAt` in milliseconds, which
    /// `ClientStore.update` always moves forward), so a copy of the client held in memory can
    /// be checked against the database in the same statement that redeems a code
    /// (`CodeStore.redeem(codeHash:now:versionOfClient:issuing:)`).
    public var version: Int64 { Int64((updatedAt.timeIntervalSince1970 * 1_000).rounded()) }

    /// A client without a secret or keys (RFC 6749 §2.1): it must use PKCE.
    public var isPublic: Bool { authMethod == .none }

    public init(
        id: String, name: String, secretHash: Data?, redirectURIs: [String],
        authMethod: AuthMethod, metadata: ClientMetadata = ClientMetadata(),
        registrationTokenHash: Data? = nil, sealedSecret: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.redirectURIs = redirectURIs
        self.authMethod = authMethod
        self.metadata = metadata
        self.registrationTokenHash = registrationTokenHash
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
