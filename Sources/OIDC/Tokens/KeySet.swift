import Foundation

/// The keys in force: the keys that sign — at most one per algorithm, always one for RS256 —
/// and every key that is published. Immutable; a server swaps in a new `KeySet` when the keys
/// change, with the JWKS bytes and the JOSE headers computed once per set.
///
/// Why several published keys: OIDC Core §10.1.1 — "the JWK Set at the jwks_uri SHOULD retain
/// recently decommissioned signing keys for a reasonable period of time to facilitate a smooth
/// transition", and a new key is published before it signs so that relying parties that cache
/// the JWKS already hold it when the first token signed with it arrives.
public struct KeySet: Sendable {
    /// The RS256 key that signs by default (`sign(_:)`).
    public let active: SigningKeyMaterial
    /// Every published key, parsed: the signing keys first (in `SigningAlgorithm` order), then
    /// the others in the order given.
    public let materials: [SigningKeyMaterial]
    public let published: [PublicJWK]
    /// The JWKS document, serialized once (served from precomputed bytes).
    public let jwksJSON: [UInt8]
    /// The algorithms that have an active key, RS256 first: exactly what discovery may list in
    /// `id_token_signing_alg_values_supported`.
    public let supportedAlgorithms: [SigningAlgorithm]
    private let signing: [SigningAlgorithm: Signing]

    /// One active key with its precomputed JOSE header.
    private struct Signing: Sendable {
        let material: SigningKeyMaterial
        let encodedHeader: String
    }

    /// A set whose only signing key is `active` (RS256); `alsoPublished` are published without
    /// signing.
    public init(active: SigningKeyMaterial, alsoPublished: [SigningKeyMaterial]) throws {
        try self.init(signing: [active], alsoPublished: alsoPublished)
    }

    /// A set signing with `signing` — one key per algorithm, an RS256 key among them — and
    /// publishing those plus `alsoPublished`.
    ///
    /// - Throws: `SigningKeyError.noActiveKey("RS256")` without an RS256 key;
    ///   `SigningKeyError.wrongKeyType` when two signing keys share an algorithm.
    public init(signing keys: [SigningKeyMaterial], alsoPublished: [SigningKeyMaterial]) throws {
        var signing: [SigningAlgorithm: Signing] = [:]
        for key in keys {
            guard signing[key.signingAlgorithm] == nil else {
                throw SigningKeyError.wrongKeyType("two active keys for \(key.algorithm)")
            }
            signing[key.signingAlgorithm] = Signing(material: key, encodedHeader: Self.encodedHeader(key))
        }
        guard let rs256 = signing[.default] else {
            throw SigningKeyError.noActiveKey(SigningAlgorithm.default.jwsName)
        }
        let algorithms = SigningAlgorithm.allCases.filter { signing[$0] != nil }
        var materials = algorithms.compactMap { signing[$0]?.material }
        for key in alsoPublished where !materials.contains(where: { $0.kid == key.kid }) {
            materials.append(key)
        }
        self.active = rs256.material
        self.signing = signing
        self.supportedAlgorithms = algorithms
        self.materials = materials
        self.published = materials.map(\.publicJWK)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        self.jwksJSON = Array(try encoder.encode(JWKSet(keys: published)))
    }

    /// The key that signs with `algorithm`, if any.
    public func activeKey(for algorithm: SigningAlgorithm) -> SigningKeyMaterial? {
        signing[algorithm]?.material
    }

    /// Signs `claims` as a compact JWS (RFC 7515 §7.1) with the active RS256 key.
    public func sign(_ claims: some Encodable) throws -> String {
        try sign(claims, algorithm: .default)
    }

    /// Signs `claims` with the active key of `algorithm`. ID token claims are serialized without
    /// `JSONEncoder` (the token endpoint's path); other payloads go through it.
    ///
    /// - Throws: `SigningKeyError.noActiveKey` when no key of that algorithm signs.
    public func sign(_ claims: some Encodable, algorithm: SigningAlgorithm) throws -> String {
        guard let key = signing[algorithm] else {
            throw SigningKeyError.noActiveKey(algorithm.jwsName)
        }
        let payload: [UInt8]
        if let idToken = claims as? IDTokenClaims {
            payload = idToken.jsonBytes
        } else {
            payload = Array(try Self.claimsEncoder.encode(claims))
        }
        var signingInput = key.encodedHeader
        signingInput.append(".")
        signingInput.append(Base64URL.encode(payload))
        let signature = try key.material.signer.sign(Array(signingInput.utf8))
        signingInput.append(".")
        signingInput.append(Base64URL.encode(signature))
        return signingInput
    }

    /// Signs `claims` with the active key of `algorithm` under a JOSE header whose `typ` is
    /// `type` (RFC 7515 §4.1.9), e.g. `logout+jwt` (Back-Channel Logout 1.0 §2.4) or the
    /// `JWT` of a signed userinfo response. `nil` means RS256.
    public func sign(_ claims: some Encodable, algorithm name: String?, type: String) throws -> String {
        let algorithm = try name.map { name in
            guard let value = SigningAlgorithm(jwsName: name) else { throw SigningKeyError.unsupportedAlgorithm(name) }
            return value
        } ?? .default
        guard let key = signing[algorithm] else { throw SigningKeyError.noActiveKey(algorithm.jwsName) }
        let header = #"{"alg":"\#(key.material.algorithm)","kid":"\#(key.material.kid)","typ":"\#(type)"}"#
        var signingInput = Base64URL.encode(Array(header.utf8))
        signingInput.append(".")
        signingInput.append(Base64URL.encode(Array(try Self.claimsEncoder.encode(claims))))
        let signature = try key.material.signer.sign(Array(signingInput.utf8))
        signingInput.append(".")
        signingInput.append(Base64URL.encode(signature))
        return signingInput
    }

    /// Signs `claims` with the algorithm a client registered (`id_token_signed_response_alg`,
    /// OIDC Registration §2); `nil` means RS256.
    ///
    /// - Throws: `SigningKeyError.unsupportedAlgorithm` for a value this provider does not sign
    ///   with (including `none`), `SigningKeyError.noActiveKey` when no key of it signs.
    public func sign(_ claims: some Encodable, algorithm name: String?) throws -> String {
        guard let name else { return try sign(claims, algorithm: .default) }
        guard let algorithm = SigningAlgorithm(jwsName: name) else {
            throw SigningKeyError.unsupportedAlgorithm(name)
        }
        return try sign(claims, algorithm: algorithm)
    }

    /// RFC 7515 §4.1: `alg`, `kid`; RFC 7519 §5.1: `typ` "JWT". Base64url of fixed JSON.
    private static func encodedHeader(_ key: SigningKeyMaterial) -> String {
        let header = #"{"alg":"\#(key.algorithm)","kid":"\#(key.kid)","typ":"JWT"}"#
        return Data(header.utf8).base64URLEncodedString()
    }

    private static let claimsEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
