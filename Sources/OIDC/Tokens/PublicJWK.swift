import Foundation

/// A public key as published in the JWKS (RFC 7517 §4). jwt-kit's `JWK` has no `use` member,
/// so the JWKS uses this small type of ours.
public struct PublicJWK: Codable, Sendable, Equatable {
    public var kty: String
    public var use: String
    public var alg: String
    public var kid: String
    /// RSA modulus and exponent, base64url without padding (RFC 7518 §6.3.1).
    public var n: String
    public var e: String

    public init(kid: String, alg: String, modulus: Data, exponent: Data) {
        self.kty = "RSA"
        self.use = "sig"
        self.alg = alg
        self.kid = kid
        self.n = modulus.base64URLEncodedString()
        self.e = exponent.base64URLEncodedString()
    }
}

/// `{"keys":[…]}` (RFC 7517 §5).
public struct JWKSet: Codable, Sendable, Equatable {
    public var keys: [PublicJWK]

    public init(keys: [PublicJWK]) {
        self.keys = keys
    }
}
