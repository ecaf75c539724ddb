import Foundation
@testable import OIDC
import Testing

/// The pure rules behind JWT client authentication, request objects, sealed secrets and
/// pairwise subjects.
@Suite("Client JWT rules, request object rules, sealed secrets, pairwise subjects")
struct ClientJWTRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let audiences: Set<String> = ["https://op.example", "https://op.example/token"]

    func claims(exp: Double? = 1_800_000_060, aud: JSONValue = .string("https://op.example/token")) -> [String: JSONValue] {
        var claims: [String: JSONValue] = ["iss": .string("c1"), "sub": .string("c1"), "aud": aud, "jti": .string("j1")]
        if let exp { claims["exp"] = .number(exp) }
        return claims
    }

    @Test("RFC 7523 §3: exp with 30 s leeway; the jti is remembered until exp plus the leeway")
    func assertionExpiry() {
        #expect(ClientAssertionRules.check(claims(exp: 1_800_000_000 - 29), clientID: "c1", audiences: audiences, now: now)
            == .success(.init(jti: "j1", expiresAt: now.addingTimeInterval(30))))
        #expect(ClientAssertionRules.check(claims(exp: 1_800_000_000 - 30), clientID: "c1", audiences: audiences, now: now)
            == .failure(.invalidClient("the client assertion has expired")))
        #expect(ClientAssertionRules.check(claims(), clientID: "c1", audiences: audiences, now: now)
            == .success(.init(jti: "j1", expiresAt: Date(timeIntervalSince1970: 1_800_000_090))))
        #expect(ClientAssertionRules.check(claims(exp: nil), clientID: "c1", audiences: audiences, now: now)
            == .failure(.invalidClient("the client assertion has no exp")))
        var future = claims()
        future["nbf"] = .number(1_800_000_031)
        #expect(ClientAssertionRules.check(future, clientID: "c1", audiences: audiences, now: now)
            == .failure(.invalidClient("the client assertion is not valid yet")))
    }

    @Test("OIDC Core §9 aud: the issuer or the token endpoint, as a string or within an array")
    func assertionAudience() {
        #expect((try? ClientAssertionRules.check(claims(aud: .array([.string("https://x.example"), .string("https://op.example")])), clientID: "c1", audiences: audiences, now: now).get()) != nil)
        #expect(ClientAssertionRules.check(claims(aud: .number(1)), clientID: "c1", audiences: audiences, now: now)
            == .failure(.invalidClient("the client assertion's aud must be the issuer or the token endpoint URL")))
        #expect(ClientAssertionRules.check(claims(), clientID: "c2", audiences: audiences, now: now)
            == .failure(.invalidClient("the client assertion's iss must be the client_id")))
    }

    @Test("OIDC Core §6.3.3: request object claims replace query parameters; numbers, booleans and JSON become text")
    func requestObjectMerge() throws {
        let merged = try RequestObjectRules.merge(
            claims: ["state": .string("inner"), "max_age": .number(60), "claims": .object(["userinfo": .object(["nickname": .null])]),
                     "iss": .string("c1"), "aud": .array([.string("https://op.example")]), "login_hint": .null],
            query: [("client_id", "c1"), ("state", "outer"), ("request", "x"), ("scope", "openid")],
            clientID: "c1", issuer: "https://op.example", now: now
        ).get()
        let values = Dictionary(merged.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        #expect(values == ["client_id": "c1", "scope": "openid", "state": "inner", "max_age": "60", "claims": #"{"userinfo":{"nickname":null}}"#])
        #expect(merged.filter { $0.name == "state" }.count == 1)
        #expect(RequestObjectRules.isRegistered("https://rp.example/r.jwt#abc", in: ["https://rp.example/r.jwt"]))
        #expect(!RequestObjectRules.isRegistered("https://rp.example/r.jwt?x=1", in: ["https://rp.example/r.jwt"]))
    }

    @Test("AES-GCM sealed secrets open only with the same key and client id")
    func sealer() throws {
        let sealer = try #require(SecretSealer(key: [UInt8](repeating: 1, count: 32)))
        let sealed = try sealer.seal("s3cret", clientID: "c1")
        #expect(sealed.hasPrefix("v1.") && !sealed.contains("s3cret"))
        #expect(sealer.open(sealed, clientID: "c1") == "s3cret")
        #expect(sealer.open(sealed, clientID: "c2") == nil)
        #expect(SecretSealer(key: [UInt8](repeating: 2, count: 32))?.open(sealed, clientID: "c1") == nil)
        #expect(SecretSealer(key: [UInt8](repeating: 1, count: 16)) == nil)
        #expect(try sealer.seal("s3cret", clientID: "c1") != sealed, "a fresh nonce every time")
    }

    @Test("OIDC Core §8.1: pairwise sub depends on sector, user and salt; base64url of 32 bytes")
    func pairwise() {
        let a = PairwiseSubject.subject(sector: "rp-a.example", localID: "u1", salt: [1, 2, 3])
        #expect(a.count == 43)
        #expect(a == PairwiseSubject.subject(sector: "rp-a.example", localID: "u1", salt: [1, 2, 3]))
        #expect(a != PairwiseSubject.subject(sector: "rp-b.example", localID: "u1", salt: [1, 2, 3]))
        #expect(a != PairwiseSubject.subject(sector: "rp-a.example", localID: "u2", salt: [1, 2, 3]))
        #expect(a != PairwiseSubject.subject(sector: "rp-a.example", localID: "u1", salt: [1, 2, 4]))
    }

    @Test("RFC 7515 §7.1: a compact JWS splits into header, claims and signature; five parts (JWE) are refused")
    func compactJWS() throws {
        let header = Base64URL.encode(Array(#"{"alg":"HS256","kid":"k"}"#.utf8))
        let payload = Base64URL.encode(Array(#"{"sub":"c1"}"#.utf8))
        let jws = try #require(CompactJWS(header + "." + payload + ".c2ln"))
        #expect(jws.algorithm == "HS256" && jws.keyID == "k" && jws.claims["sub"]?.stringValue == "c1")
        #expect(jws.signature == Data("sig".utf8))
        #expect(CompactJWS(header + "." + payload + ".a.b.c") == nil)
        #expect(CompactJWS("not a jwt") == nil)
    }
}
