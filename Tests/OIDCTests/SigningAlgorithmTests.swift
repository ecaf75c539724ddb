import Foundation
import JWTKit
import Testing
@testable import OIDC

/// RS256, PS256 and ES256 ID tokens, each verified by jwt-kit with the public key taken from our
/// JWKS — the way a relying party does it.
@Suite("Signing per algorithm (RFC 7518 §3.3–3.5), JWKS members (RFC 7517, RFC 7518 §6), kid (RFC 7638)")
struct SigningAlgorithmTests {
    struct Payload: JWTPayload, Equatable {
        var sub: SubjectClaim
        var nonce: String
        func verify(using _: some JWTAlgorithm) throws {}
    }

    static func claims() -> IDTokenClaims {
        IDTokenClaims(
            iss: "https://op.example", sub: "u1", aud: "c1", exp: Int(Date().timeIntervalSince1970) + 60, iat: 100,
            authTime: 90, nonce: "n-1", atHash: "h", amr: ["wechat_qr"]
        )
    }

    /// Key `slot` of `algorithm`, generated once for the whole suite (RSA generation is CPU work
    /// that would otherwise hold the cooperative threads every test shares).
    static func material(_ algorithm: SigningAlgorithm, _ slot: Int = 0) async throws -> SigningKeyMaterial {
        let (kid, pem) = try await TestKeyCache.shared.key(algorithm, slot)
        return try SigningKeyMaterial(kid: kid, algorithm: algorithm, pem: pem)
    }

    static func header(_ token: String) throws -> [String: String] {
        let data = try #require(Data(base64URLEncoded: token.split(separator: ".")[0]))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
    }

    static func signature(_ token: String) throws -> Data {
        try #require(Data(base64URLEncoded: token.split(separator: ".")[2]))
    }

    /// A verifier that knows only the keys of `keySet`'s JWKS.
    static func verifier(_ keySet: KeySet) async throws -> JWTKeyCollection {
        let collection = JWTKeyCollection()
        try await collection.add(jwksJSON: String(decoding: keySet.jwksJSON, as: UTF8.self))
        return collection
    }

    @Test("each algorithm signs with its active key; jwt-kit verifies it against the JWKS", arguments: SigningAlgorithm.allCases)
    func signAndVerify(_ algorithm: SigningAlgorithm) async throws {
        let rsa = try await Self.material(.rs256)
        let key = algorithm == .rs256 ? rsa : try await Self.material(algorithm)
        let keySet = try KeySet(signing: algorithm == .rs256 ? [rsa] : [rsa, key], alsoPublished: [])
        let token = try keySet.sign(Self.claims(), algorithm: algorithm)
        #expect(try Self.header(token) == ["alg": algorithm.jwsName, "kid": key.kid, "typ": "JWT"])

        let verified = try await Self.verifier(keySet).verify(token, as: Payload.self)
        #expect(verified.sub.value == "u1")
        #expect(verified.nonce == "n-1")

        // RFC 7518 §3.4: ES256 is R || S, 64 octets; RSA signatures are as long as the modulus.
        #expect(try Self.signature(token).count == (algorithm == .es256 ? 64 : 256))

        // A changed payload does not verify.
        let parts = token.split(separator: ".")
        var other = Self.claims()
        other.sub = "mallory"
        let forged = "\(parts[0]).\(try JSONEncoder().encode(other).base64URLEncodedString()).\(parts[2])"
        await #expect(throws: (any Error).self) { try await Self.verifier(keySet).verify(forged, as: Payload.self) }
    }

    @Test("PS256 uses PSS (randomized: two signatures differ) and is not RS256")
    func ps256IsPSS() async throws {
        let rsa = try await Self.material(.rs256)
        let pss = try await Self.material(.ps256)
        let keySet = try KeySet(signing: [rsa, pss], alsoPublished: [])
        let first = try keySet.sign(Self.claims(), algorithm: .ps256)
        let second = try keySet.sign(Self.claims(), algorithm: .ps256)
        #expect(try Self.signature(first) != Self.signature(second))
        // Verified as PS256 by jwt-kit's own PSS implementation with only the public key.
        let jwk = try #require(keySet.published.first { $0.kid == pss.kid })
        #expect(jwk.alg == "PS256")
        let collection = JWTKeyCollection()
        try await collection.add(
            rsa: JWTKit.Insecure.RSA.PublicKey(modulus: try #require(jwk.n), exponent: try #require(jwk.e)),
            digestAlgorithm: .sha256, kid: JWKIdentifier(string: pss.kid)
        )
        // The PKCS#1 v1.5 verifier rejects a PSS signature under the same key.
        await #expect(throws: (any Error).self) { try await collection.verify(first, as: Payload.self) }
        let pssCollection = JWTKeyCollection()
        try await pssCollection.add(
            pss: JWTKit.Insecure.RSA.PublicKey(modulus: try #require(jwk.n), exponent: try #require(jwk.e)),
            digestAlgorithm: .sha256, kid: JWKIdentifier(string: pss.kid)
        )
        #expect(try await pssCollection.verify(first, as: Payload.self).sub.value == "u1")
    }

    @Test("sign(_:) is RS256; unknown or unavailable algorithms are refused, never downgraded")
    func defaultsAndRefusals() async throws {
        let rsa = try await Self.material(.rs256)
        let keySet = try KeySet(active: rsa, alsoPublished: [])
        #expect(try Self.header(try keySet.sign(Self.claims()))["alg"] == "RS256")
        #expect(try Self.header(try keySet.sign(Self.claims(), algorithm: nil as String?))["alg"] == "RS256")
        #expect(keySet.supportedAlgorithms == [.rs256])
        #expect(throws: SigningKeyError.noActiveKey("ES256")) { try keySet.sign(Self.claims(), algorithm: .es256) }
        #expect(throws: SigningKeyError.noActiveKey("PS256")) { try keySet.sign(Self.claims(), algorithm: "PS256") }
        #expect(throws: SigningKeyError.unsupportedAlgorithm("none")) { try keySet.sign(Self.claims(), algorithm: "none") }
        #expect(throws: SigningKeyError.unsupportedAlgorithm("es256")) { try keySet.sign(Self.claims(), algorithm: "es256") }
        #expect(throws: SigningKeyError.unsupportedAlgorithm("HS256")) { try keySet.sign(Self.claims(), algorithm: "HS256") }
    }

    @Test("a key set needs an active RS256 key and at most one active key per algorithm")
    func keySetShape() async throws {
        let ec = try await Self.material(.es256)
        #expect(throws: SigningKeyError.noActiveKey("RS256")) { try KeySet(signing: [ec], alsoPublished: []) }
        #expect(throws: SigningKeyError.noActiveKey("RS256")) { try KeySet(active: ec, alsoPublished: []) }
        let rsa = try await Self.material(.rs256)
        let otherRSA = try await Self.material(.rs256, 1)
        #expect(throws: (any Error).self) { try KeySet(signing: [rsa, otherRSA], alsoPublished: []) }
        let pss = try await Self.material(.ps256)
        let set = try KeySet(signing: [ec, rsa, pss], alsoPublished: [otherRSA, ec])
        #expect(set.supportedAlgorithms == [.rs256, .ps256, .es256])
        #expect(set.active.kid == rsa.kid)
        // Signing keys first (RS256, PS256, ES256), then the others, each once.
        #expect(set.published.map(\.kid) == [rsa.kid, pss.kid, ec.kid, otherRSA.kid])
    }

    @Test("JWKS: EC keys carry kty EC, crv P-256, 32-octet x and y; RSA keys n and e; all use=sig, alg, no private parts, no padding")
    func jwksMembers() async throws {
        let rsa = try await Self.material(.rs256)
        let pss = try await Self.material(.ps256)
        let ec = try await Self.material(.es256)
        let set = try KeySet(signing: [rsa, ec], alsoPublished: [pss])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(set.jwksJSON)) as? [String: [[String: String]]])
        let keys = try #require(json["keys"])
        #expect(keys.count == 3)
        for key in keys {
            #expect(key["use"] == "sig")
            #expect(key["kid"]?.isEmpty == false)
            for name in ["d", "p", "q", "dp", "dq", "qi", "k"] { #expect(key[name] == nil, "\(name) must not be published") }
            for value in key.values { #expect(!value.contains("=") && !value.contains("+") && !value.contains("/")) }
        }
        let ecKey = try #require(keys.first { $0["kid"] == ec.kid })
        #expect(Set(ecKey.keys) == ["kty", "use", "alg", "kid", "crv", "x", "y"])
        #expect(ecKey["kty"] == "EC")
        #expect(ecKey["alg"] == "ES256")
        #expect(ecKey["crv"] == "P-256")
        #expect(Data(base64URLEncoded: try #require(ecKey["x"]))?.count == 32)
        #expect(Data(base64URLEncoded: try #require(ecKey["y"]))?.count == 32)
        for (material, alg) in [(rsa, "RS256"), (pss, "PS256")] {
            let rsaKey = try #require(keys.first { $0["kid"] == material.kid })
            #expect(Set(rsaKey.keys) == ["kty", "use", "alg", "kid", "n", "e"])
            #expect(rsaKey["kty"] == "RSA")
            #expect(rsaKey["alg"] == alg)
            #expect(rsaKey["e"] == "AQAB")
        }
    }

    @Test("kid is the RFC 7638 thumbprint: the RFC's own RSA example, and EC keys from their published members")
    func thumbprints() async throws {
        // RFC 7638 §3.1.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        let modulus = try #require(Data(base64URLEncoded: n))
        #expect(SigningKeyMaterial.thumbprint(modulus: modulus, exponent: Data([1, 0, 1])) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")

        for algorithm in SigningAlgorithm.allCases {
            let key = try await Self.material(algorithm)
            let jwk = key.publicJWK
            // §3.2: the required members only, in lexicographic order, no whitespace.
            let members = algorithm == .es256
                ? #"{"crv":"\#(jwk.crv ?? "")","kty":"EC","x":"\#(jwk.x ?? "")","y":"\#(jwk.y ?? "")"}"#
                : #"{"e":"\#(jwk.e ?? "")","kty":"RSA","n":"\#(jwk.n ?? "")"}"#
            let digest = SecretHash.sha256(members)
            #expect(key.kid == digest.base64URLEncodedString(), "\(algorithm)")
        }
    }

    @Test("keys must fit their algorithm")
    func keyTypes() async throws {
        let (_, ecPEM) = try await TestKeyCache.shared.key(.es256, 0)
        let (_, rsaPEM) = try await TestKeyCache.shared.key(.rs256, 0)
        #expect(throws: (any Error).self) { try SigningKeyMaterial(kid: "k", algorithm: .rs256, pem: ecPEM) }
        #expect(throws: (any Error).self) { try SigningKeyMaterial(kid: "k", algorithm: .ps256, pem: ecPEM) }
        #expect(throws: (any Error).self) { try SigningKeyMaterial(kid: "k", algorithm: .es256, pem: rsaPEM) }
        #expect(throws: (any Error).self) { try SigningKeyMaterial(kid: "k", algorithm: .es256, pem: "not a key") }
        #expect(ecPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(rsaPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }
}

/// Keys generated once per test run, on a thread of their own.
actor TestKeyCache {
    static let shared = TestKeyCache()
    private var keys: [String: Task<(kid: String, pem: String), any Error>] = [:]

    func key(_ algorithm: SigningAlgorithm, _ slot: Int) async throws -> (kid: String, pem: String) {
        let name = "\(algorithm.jwsName)/\(slot)"
        if let existing = keys[name] { return try await existing.value }
        let task = Task {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(kid: String, pem: String), any Error>) in
                Thread.detachNewThread { continuation.resume(with: Result { try SigningKeyMaterial.generate(algorithm) }) }
            }
        }
        keys[name] = task
        return try await task.value
    }
}
