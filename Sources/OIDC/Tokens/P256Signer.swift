import Crypto
import Foundation

/// ECDSA on P-256 with SHA-256 (JWS `ES256`, RFC 7518 §3.4) through swift-crypto.
///
/// RFC 7518 §3.4: the JWS Signature is "the concatenation of the two octet sequences" R and S,
/// each 32 octets, big-endian, left-padded with zeros: swift-crypto's raw representation, not
/// the DER `ECDSA-Sig-Value` that OpenSSL produces.
public struct P256Signer: JWSSigner {
    public let privateKey: P256.Signing.PrivateKey

    public var algorithm: SigningAlgorithm { .es256 }

    public init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// Parses a PEM EC private key on P-256 (SEC 1 `EC PRIVATE KEY` or PKCS#8 `PRIVATE KEY`).
    public init(pem: String) throws {
        do {
            self.privateKey = try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw SigningKeyError.unreadableKey("not a PEM private key on the P-256 curve")
        }
    }

    /// The 64-octet `R || S` signature of SHA-256(`message`).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: message).rawRepresentation)
    }
}
