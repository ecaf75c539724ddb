import Crypto
import _CryptoExtras
import Foundation

/// A signing key loaded once: the OpenSSL signer for the hot path and the public JWK.
public struct SigningKeyMaterial: Sendable {
    public let kid: String
    public let algorithm: String
    public let signer: OpenSSLRSASigner
    public let publicJWK: PublicJWK

    /// Loads an RSA private key PEM. The `kid` is stored beside the key, not derived at load.
    public init(kid: String, pem: String) throws {
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        let primitives = try key.publicKey.getKeyPrimitives()
        self.kid = kid
        self.algorithm = "RS256"
        self.signer = try OpenSSLRSASigner(pem: pem)
        self.publicJWK = PublicJWK(kid: kid, alg: "RS256", modulus: primitives.modulus, exponent: primitives.publicExponent)
    }

    /// A new RSA-2048 key as PKCS#8 PEM, with its `kid`: the RFC 7638 JWK thumbprint
    /// (SHA-256 of `{"e":…,"kty":"RSA","n":…}`), so a kid always names one modulus.
    public static func generateRSA() throws -> (kid: String, pem: String) {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try key.publicKey.getKeyPrimitives()
        return (thumbprint(modulus: primitives.modulus, exponent: primitives.publicExponent), key.pkcs8PEMRepresentation)
    }

    /// RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
    public static func thumbprint(modulus: Data, exponent: Data) -> String {
        let json = #"{"e":"\#(exponent.base64URLEncodedString())","kty":"RSA","n":"\#(modulus.base64URLEncodedString())"}"#
        return Data(SHA256.hash(data: Data(json.utf8))).base64URLEncodedString()
    }
}
