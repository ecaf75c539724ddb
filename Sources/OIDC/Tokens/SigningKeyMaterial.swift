import Crypto
import _CryptoExtras
import Foundation

/// A signing key loaded once: the signer for the hot path and the public JWK.
///
/// One key, one algorithm (RFC 7517 §4.4 `alg`): an RSA key is loaded either for RS256 or for
/// PS256, never both, and its JWK says which.
public struct SigningKeyMaterial: Sendable {
    public let kid: String
    /// The JWS `alg` value (`RS256`, `PS256`, `ES256`).
    public let algorithm: String
    public let signingAlgorithm: SigningAlgorithm
    public let signer: any JWSSigner
    public let publicJWK: PublicJWK

    /// Loads an RSA private key PEM for RS256. The `kid` is stored beside the key, not derived
    /// at load.
    public init(kid: String, pem: String) throws {
        try self.init(kid: kid, algorithm: .rs256, pem: pem)
    }

    /// Loads a private key PEM for `algorithm`: RSA (≥ 2048 bits) for RS256 and PS256, EC P-256
    /// for ES256. Throws `SigningKeyError` when the key does not fit the algorithm.
    public init(kid: String, algorithm: SigningAlgorithm, pem: String) throws {
        self.kid = kid
        self.algorithm = algorithm.jwsName
        self.signingAlgorithm = algorithm
        switch algorithm {
        case .rs256, .ps256:
            let key: _RSA.Signing.PrivateKey
            do {
                key = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
            } catch {
                throw SigningKeyError.wrongKeyType("\(algorithm.jwsName) needs an RSA private key of at least 2048 bits")
            }
            let primitives = try key.publicKey.getKeyPrimitives()
            self.signer = try OpenSSLRSASigner(pem: pem, padding: algorithm == .ps256 ? .pss : .pkcs1v15)
            self.publicJWK = PublicJWK(kid: kid, alg: algorithm.jwsName, modulus: primitives.modulus, exponent: primitives.publicExponent)
        case .es256:
            let signer: P256Signer
            do {
                signer = try P256Signer(pem: pem)
            } catch {
                throw SigningKeyError.wrongKeyType("ES256 needs an EC private key on the P-256 curve")
            }
            let (x, y) = Self.coordinates(signer.privateKey.publicKey)
            self.signer = signer
            self.publicJWK = PublicJWK(kid: kid, alg: algorithm.jwsName, p256X: x, y: y)
        }
    }

    /// A new RSA-2048 key as PKCS#8 PEM, with its `kid`: the RFC 7638 JWK thumbprint
    /// (SHA-256 of `{"e":…,"kty":"RSA","n":…}`), so a kid always names one modulus.
    public static func generateRSA() throws -> (kid: String, pem: String) {
        try generate(.rs256)
    }

    /// A new private key for `algorithm` as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), with its
    /// `kid`, the RFC 7638 thumbprint of its public JWK: RSA-2048 for RS256 and PS256, P-256 for
    /// ES256.
    public static func generate(_ algorithm: SigningAlgorithm) throws -> (kid: String, pem: String) {
        switch algorithm {
        case .rs256, .ps256:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let primitives = try key.publicKey.getKeyPrimitives()
            return (thumbprint(modulus: primitives.modulus, exponent: primitives.publicExponent), key.pkcs8PEMRepresentation)
        case .es256:
            let key = P256.Signing.PrivateKey()
            let (x, y) = coordinates(key.publicKey)
            return (thumbprint(p256X: x, y: y), key.pemRepresentation)
        }
    }

    /// RFC 7638 §3.2 for an RSA key: the required members `e`, `kty`, `n` in lexicographic
    /// order, no whitespace; SHA-256; base64url.
    public static func thumbprint(modulus: Data, exponent: Data) -> String {
        let json = #"{"e":"\#(exponent.base64URLEncodedString())","kty":"RSA","n":"\#(modulus.base64URLEncodedString())"}"#
        return Data(SHA256.hash(data: Data(json.utf8))).base64URLEncodedString()
    }

    /// RFC 7638 §3.2 for an EC key: `crv`, `kty`, `x`, `y` in that order (§3.2.1 names them).
    public static func thumbprint(p256X x: Data, y: Data) -> String {
        let json = #"{"crv":"P-256","kty":"EC","x":"\#(x.base64URLEncodedString())","y":"\#(y.base64URLEncodedString())"}"#
        return Data(SHA256.hash(data: Data(json.utf8))).base64URLEncodedString()
    }

    /// The affine coordinates, 32 octets each (the raw representation is `x || y`).
    static func coordinates(_ key: P256.Signing.PublicKey) -> (x: Data, y: Data) {
        let raw = key.rawRepresentation
        return (Data(raw.prefix(32)), Data(raw.suffix(32)))
    }
}
