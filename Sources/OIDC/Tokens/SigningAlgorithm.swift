/// The JWS algorithms this provider signs with (RFC 7518 §3.1).
///
/// - `RS256`: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3). The default: OIDC Core §15.1 and
///   Discovery §3 require every OP to support it, so an active RS256 key always exists.
/// - `PS256`: RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt (RFC 7518 §3.5).
/// - `ES256`: ECDSA on P-256 with SHA-256; the signature is the 64 octets `R || S`
///   (RFC 7518 §3.4), not DER.
///
/// The order of the cases is the order in which discovery lists them.
public enum SigningAlgorithm: String, Sendable, Codable, CaseIterable, Hashable {
    case rs256 = "RS256"
    case ps256 = "PS256"
    case es256 = "ES256"

    /// The algorithm of ID tokens for clients that registered none (OIDC Registration §2
    /// `id_token_signed_response_alg`: "The default, if omitted, is RS256").
    public static let `default` = SigningAlgorithm.rs256

    /// Parses a JWS `alg` value, exactly (RFC 7515 §4.1.1: case-sensitive).
    public init?(jwsName: String) {
        self.init(rawValue: jwsName)
    }

    /// The JWS `alg` value.
    public var jwsName: String { rawValue }

    /// The JWK `kty` of its keys (RFC 7518 §6.1).
    public var keyType: String {
        switch self {
        case .rs256, .ps256: "RSA"
        case .es256: "EC"
        }
    }
}
