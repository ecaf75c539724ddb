import Foundation

/// A public key as published in the JWKS (RFC 7517 §4). jwt-kit's `JWK` has no `use` member,
/// so the JWKS uses this small type of ours.
///
/// Every key carries `kty`, `use: "sig"` (RFC 7517 §4.2), `alg` (§4.4: the one algorithm it
/// signs with) and `kid` (§4.5: its RFC 7638 thumbprint). RSA keys add `n` and `e`
/// (RFC 7518 §6.3.1), EC keys `crv`, `x` and `y` (RFC 7518 §6.2.1); all base64url without
/// padding. No private member is ever present.
public struct PublicJWK: Codable, Sendable, Equatable {
    public var kty: String
    public var use: String
    public var alg: String
    public var kid: String
    /// RSA modulus and exponent, base64url without padding (RFC 7518 §6.3.1).
    public var n: String?
    public var e: String?
    /// EC curve (`P-256`) and coordinates, each the full-length octet string of the field
    /// size (32 octets for P-256), base64url without padding (RFC 7518 §6.2.1).
    public var crv: String?
    public var x: String?
    public var y: String?

    /// An RSA key (`RS256` or `PS256`).
    public init(kid: String, alg: String, modulus: Data, exponent: Data) {
        self.kty = "RSA"
        self.use = "sig"
        self.alg = alg
        self.kid = kid
        self.n = modulus.base64URLEncodedString()
        self.e = exponent.base64URLEncodedString()
    }

    /// An EC key on P-256 (`ES256`).
    public init(kid: String, alg: String, p256X x: Data, y: Data) {
        self.kty = "EC"
        self.use = "sig"
        self.alg = alg
        self.kid = kid
        self.crv = "P-256"
        self.x = x.base64URLEncodedString()
        self.y = y.base64URLEncodedString()
    }
}

/// `{"keys":[…]}` (RFC 7517 §5).
public struct JWKSet: Codable, Sendable, Equatable {
    public var keys: [PublicJWK]

    public init(keys: [PublicJWK]) {
        self.keys = keys
    }
}
