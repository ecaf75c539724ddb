/// Produces the JWS Signature of a signing input (RFC 7515 §5.1 step 5): the raw octets that
/// are then base64url-encoded, in the form RFC 7518 defines for the algorithm.
public protocol JWSSigner: Sendable {
    /// The JWS `alg` this signer implements.
    var algorithm: SigningAlgorithm { get }
    /// Signs `message` (the ASCII signing input `BASE64URL(header) . BASE64URL(payload)`).
    func sign(_ message: [UInt8]) throws -> [UInt8]
}
