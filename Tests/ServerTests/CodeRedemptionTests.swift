import Foundation
import OIDC
@testable import Server
import Storage
import Testing

/// The access token is stored by the statement that consumes the code (`CodeStore.redeem`); an
/// exchange that fails afterwards must leave no usable token behind (RFC 6749 §4.1.3: the
/// token endpoint issues tokens only for a code that passes every check).
@Suite("Code redemption at the token endpoint")
struct CodeRedemptionTests {
    /// How many tokens of the code's grant were still live: the code is looked up as a replay
    /// (which revokes nothing by itself), then its grant revoked and counted.
    static func liveTokens(of code: String, _ p: TestProvider) async throws -> Int {
        guard case .replayed(let record) = try await p.stores.codes.consume(codeHash: SecretHash.sha256(code), now: p.clock.now()) else {
            throw TestFailure("the code should have been consumed")
        }
        return try await p.stores.tokens.revokeGrant(grantID: record.grantID, now: p.clock.now())
    }

    @Test("RFC 7636 §4.6: a wrong code_verifier spends the code and leaves its stored token revoked")
    func wrongVerifier() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient(isPublic: true, redirectURIs: ["http://127.0.0.1:9/cb"])
            let verifier = String(repeating: "v", count: 50)
            let pkce = [("code_challenge", PKCE.s256Challenge(for: verifier)), ("code_challenge_method", "S256")]

            let good = try #require(try await p.login(rp, pkce)["code"])
            let issued = try await p.token(rp, code: good, extra: [("code_verifier", verifier)])
            #expect(issued.status == 200)
            #expect(try await p.userinfo(try #require(issued.json["access_token"] as? String)).status == 200)
            #expect(try await Self.liveTokens(of: good, p) == 1)

            let bad = try #require(try await p.login(rp, pkce)["code"])
            let refused = try await p.token(rp, code: bad, extra: [("code_verifier", verifier + "x")])
            #expect(refused.status == 400)
            #expect(refused.json["error"] as? String == "invalid_grant")
            #expect(try await Self.liveTokens(of: bad, p) == 0)
        }
    }

    @Test("RFC 6749 §4.1.3: a code redeemed with another redirect_uri leaves its stored token revoked")
    func wrongRedirectURI() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient(redirectURIs: ["https://rp.example/cb", "https://rp.example/other"])
            let code = try #require(try await p.login(rp)["code"])
            let other = TestProvider.RP(clientID: rp.clientID, secret: rp.secret, redirectURI: "https://rp.example/other")
            let refused = try await p.token(other, code: code)
            #expect(refused.status == 400)
            #expect(refused.json["error"] as? String == "invalid_grant")
            #expect(try await Self.liveTokens(of: code, p) == 0)
        }
    }
}
