import Foundation
import JWTKit
import OIDC

/// A relying party's own ES256 key for tests: signs client assertions and request objects, and
/// publishes its public half as a JWK Set.
struct ClientSigner: Sendable {
    let kid: String
    let key: ES256PrivateKey

    init(kid: String = "rp-key-1") {
        self.kid = kid
        key = ES256PrivateKey()
    }

    var publicJWK: JSONValue {
        let parameters = key.parameters ?? (x: "", y: "")
        return .object([
            "kty": .string("EC"), "crv": .string("P-256"), "x": .string(parameters.x), "y": .string(parameters.y),
            "kid": .string(kid), "use": .string("sig"),
        ])
    }

    var jwks: JSONValue { .object(["keys": .array([publicJWK])]) }

    /// A compact JWS of `claims` signed with this key; the header names `kid` unless `nil`.
    func sign(_ claims: [String: JSONValue], headerKID: String?? = .none) async throws -> String {
        let keys = JWTKeyCollection()
        let name: String? = switch headerKID {
        case .none: kid
        case .some(let value): value
        }
        await keys.add(ecdsa: key, kid: name.map { JWKIdentifier(string: $0) })
        return try await keys.sign(RawClaims(claims), kid: name.map { JWKIdentifier(string: $0) })
    }

    /// HS256 with `secret` (client_secret_jwt).
    static func signHS256(_ claims: [String: JSONValue], secret: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(RawClaims(claims))
    }

    /// An unsecured JWT (RFC 7519 §6: `alg: none`, empty signature).
    static func unsigned(_ claims: [String: JSONValue]) -> String {
        Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(Array(JSONValue.object(claims).serialized.utf8)) + "."
    }

    /// The claims of a client assertion (OIDC Core §9).
    static func assertionClaims(
        clientID: String, audience: JSONValue, expiresAt: Date, jti: String = UUID().uuidString
    ) -> [String: JSONValue] {
        [
            "iss": .string(clientID), "sub": .string(clientID), "aud": audience, "jti": .string(jti),
            "exp": .number(expiresAt.timeIntervalSince1970.rounded(.down)),
            "iat": .number((expiresAt.timeIntervalSince1970 - 60).rounded(.down)),
        ]
    }
}

/// Any JSON object as a JWT payload.
struct RawClaims: JWTPayload {
    let values: [String: JSONValue]

    init(_ values: [String: JSONValue]) { self.values = values }
    init(from decoder: any Decoder) throws { values = try [String: JSONValue](from: decoder) }
    func encode(to encoder: any Encoder) throws { try values.encode(to: encoder) }
    func verify(using _: some JWTAlgorithm) throws {}
}

/// A relying party's RSA key (RS256 or PS256) for tests, generated with the provider's own key
/// code; the JWS is assembled by hand (RFC 7515 §7.1).
struct RSAClientSigner: Sendable {
    let material: SigningKeyMaterial

    init(_ algorithm: SigningAlgorithm) throws {
        let generated = try SigningKeyMaterial.generate(algorithm)
        material = try SigningKeyMaterial(kid: generated.kid, algorithm: algorithm, pem: generated.pem)
    }

    /// The public JWK as registered (with `alg`, `use: sig` and `kid`).
    var publicJWK: JSONValue {
        JSONValue.parse(Array((try? JSONEncoder().encode(material.publicJWK)) ?? Data())) ?? .null
    }

    func sign(_ claims: [String: JSONValue], algorithm: String? = nil) throws -> String {
        let header = JSONValue.object(["alg": .string(algorithm ?? material.algorithm), "kid": .string(material.kid)]).serialized
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(JSONValue.object(claims).serialized.utf8))
        return input + "." + Base64URL.encode(try material.signer.sign(Array(input.utf8)))
    }
}
