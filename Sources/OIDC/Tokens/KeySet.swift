import Foundation

/// The keys in force: the one that signs and all that are published. Immutable; a server
/// swaps in a new `KeySet` when the keys change, with the JWKS bytes computed once per set.
public struct KeySet: Sendable {
    public let active: SigningKeyMaterial
    /// Every published key, parsed (the active one first).
    public let materials: [SigningKeyMaterial]
    public let published: [PublicJWK]
    /// The JWKS document, serialized once (served from precomputed bytes).
    public let jwksJSON: [UInt8]
    private let encodedHeader: String

    public init(active: SigningKeyMaterial, alsoPublished: [SigningKeyMaterial]) throws {
        self.active = active
        self.materials = [active] + alsoPublished.filter { $0.kid != active.kid }
        let keys = materials.map(\.publicJWK)
        self.published = keys
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        self.jwksJSON = Array(try encoder.encode(JWKSet(keys: keys)))
        // RFC 7515 §4.1: alg, kid; RFC 7519 §5.1: typ "JWT".
        let header = #"{"alg":"\#(active.algorithm)","kid":"\#(active.kid)","typ":"JWT"}"#
        self.encodedHeader = Data(header.utf8).base64URLEncodedString()
    }

    /// Signs `claims` as a compact JWS (RFC 7515 §7.1) with the active key.
    public func sign(_ claims: some Encodable) throws -> String {
        try sign(payload: Array(try Self.claimsEncoder.encode(claims)))
    }

    /// Signs ID token claims, serialized without `JSONEncoder` (the token endpoint's path).
    public func sign(_ claims: IDTokenClaims) throws -> String {
        try sign(payload: claims.jsonBytes)
    }

    private func sign(payload: [UInt8]) throws -> String {
        var signingInput = encodedHeader
        signingInput.append(".")
        signingInput.append(Base64URL.encode(payload))
        let signature = try active.signer.sign(Array(signingInput.utf8))
        signingInput.append(".")
        signingInput.append(Base64URL.encode(signature))
        return signingInput
    }

    private static let claimsEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
