import Foundation
import JWTKit
import Testing
@testable import OIDC

@Suite("ID tokens, at_hash, JWKS")
struct TokenTests {
    @Test("at_hash is the base64url left half of SHA-256 (OIDC Core §3.1.3.6)")
    func atHash() {
        // Example from OIDC Core Appendix A.4 uses RS256: access_token jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y → at_hash 77QmUPtjPfzWtF2AnpK9RQ
        #expect(AccessTokenHash.sha256("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y") == "77QmUPtjPfzWtF2AnpK9RQ")
    }

    @Test("ID token claims encode integer times, omit absent nonce and empty amr")
    func claimsEncoding() throws {
        let claims = IDTokenClaims(iss: "https://op", sub: "u1", aud: "c1", exp: 200, iat: 100, authTime: 90, nonce: nil, atHash: "h", amr: [])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(claims)) as? [String: Any]
        #expect(json?["exp"] as? Int == 200)
        #expect(json?["auth_time"] as? Int == 90)
        #expect(json?["azp"] as? String == "c1")
        #expect(json?["nonce"] == nil)
        #expect(json?["amr"] == nil)
    }

    @Test("a token signed through OpenSSL verifies with jwt-kit against our JWKS, kid and alg in the header")
    func signAndVerify() async throws {
        let (kid, pem) = try SigningKeyMaterial.generateRSA()
        let material = try SigningKeyMaterial(kid: kid, pem: pem)
        let keySet = try KeySet(active: material, alsoPublished: [])
        let claims = IDTokenClaims(iss: "https://op", sub: "u1", aud: "c1", exp: Int(Date().timeIntervalSince1970) + 60, iat: 100, authTime: 90, nonce: "n", atHash: "h", amr: ["wechat_qr"])
        let token = try keySet.sign(claims)

        let headerData = try #require(Data(base64URLEncoded: token.split(separator: ".")[0]))
        let header = try JSONSerialization.jsonObject(with: headerData) as? [String: String]
        #expect(header == ["alg": "RS256", "kid": kid, "typ": "JWT"])

        let collection = JWTKeyCollection()
        try await collection.add(jwksJSON: String(decoding: keySet.jwksJSON, as: UTF8.self))
        struct Payload: JWTPayload {
            var sub: SubjectClaim
            var nonce: String
            func verify(using _: some JWTAlgorithm) throws {}
        }
        let verified = try await collection.verify(token, as: Payload.self)
        #expect(verified.sub.value == "u1")
        #expect(verified.nonce == "n")

        // A changed signature character fails (one in the middle: the last character of a
        // 256-byte signature also carries padding bits).
        var characters = Array(token)
        let index = characters.count - 100
        characters[index] = characters[index] == "A" ? "B" : "A"
        let tampered = String(characters)
        await #expect(throws: (any Error).self) { try await collection.verify(tampered, as: Payload.self) }
    }

    @Test("JWKS: RSA public keys only, use=sig, alg, kid = RFC 7638 thumbprint, no padding")
    func jwks() throws {
        let (kid, pem) = try SigningKeyMaterial.generateRSA()
        let material = try SigningKeyMaterial(kid: kid, pem: pem)
        let set = try KeySet(active: material, alsoPublished: [material])
        let json = try JSONSerialization.jsonObject(with: Data(set.jwksJSON)) as? [String: [[String: String]]]
        let keys = try #require(json?["keys"])
        #expect(keys.count == 1)
        #expect(keys[0]["kty"] == "RSA")
        #expect(keys[0]["use"] == "sig")
        #expect(keys[0]["alg"] == "RS256")
        #expect(keys[0]["kid"] == kid)
        #expect(keys[0]["d"] == nil)
        #expect(keys[0]["e"] == "AQAB")
        #expect(keys[0]["n"]?.contains("=") == false)
        let encodedN = try #require(keys[0]["n"])
        let n = try #require(Data(base64URLEncoded: encodedN))
        #expect(SigningKeyMaterial.thumbprint(modulus: n, exponent: Data([1, 0, 1])) == kid)
    }

    @Test("the OpenSSL signer refuses non-RSA and short keys")
    func refusesBadKeys() {
        #expect(throws: (any Error).self) { try OpenSSLRSASigner(pem: "not a key") }
    }
}
