import Foundation

/// Metadata of a signing key. The private key itself lives in a file of the keys directory
/// (mode 0600), never in the database.
public struct SigningKeyRecord: Sendable, Equatable, Codable {
    /// `next`: published in the JWKS, not yet signing. `active`: signs (at most one per
    /// algorithm). `previous`: no longer signs, still published so tokens it signed verify.
    /// `retired`: gone from the JWKS.
    public enum State: String, Sendable, Codable, CaseIterable {
        case next
        case active
        case previous
        case retired

        /// Whether the public key belongs in the JWKS.
        public var isPublished: Bool { self != .retired }
    }

    public var kid: String
    /// JWS `alg`, e.g. `RS256`.
    public var algorithm: String
    public var state: State
    /// File name inside the keys directory.
    public var fileName: String
    public var createdAt: Date
    public var activatedAt: Date?
    public var retiredAt: Date?
    /// For a `next` key: when it is due to become `active` (it is published until then, so
    /// relying parties' JWKS caches hold it before it signs). `nil`: no activation scheduled.
    public var activatesAt: Date?

    public init(
        kid: String, algorithm: String, state: State, fileName: String, createdAt: Date,
        activatedAt: Date? = nil, retiredAt: Date? = nil, activatesAt: Date? = nil
    ) {
        self.kid = kid
        self.algorithm = algorithm
        self.state = state
        self.fileName = fileName
        self.createdAt = createdAt
        self.activatedAt = activatedAt
        self.retiredAt = retiredAt
        self.activatesAt = activatesAt
    }
}
