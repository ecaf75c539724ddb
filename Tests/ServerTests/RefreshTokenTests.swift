import Foundation
import OIDC
import Testing
@testable import Server

/// Refresh tokens (RFC 6749 §6, OIDC Core §11–12) with rotation and reuse detection
/// (RFC 9700 §4.14.2), revocation (RFC 7009) and introspection (RFC 7662).
@Suite("Refresh tokens, revocation and introspection")
struct RefreshTokenTests {
    static let offline = [("prompt", "consent")]
    static let offlineScope = "openid profile offline_access"

    @Test("oidcc-refresh-token: offline_access + prompt=consent gives a refresh token; refreshing keeps iss, sub, aud, auth_time, gives a new iat and no nonce (OIDC Core §12.2)")
    func refreshKeepsIdentity() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp, Self.offline, scope: Self.offlineScope)
            let refreshToken = try #require(first.token["refresh_token"] as? String)
            #expect((first.token["scope"] as? String)?.contains("offline_access") == true)
            p.clock.advance(seconds: 10)
            let refreshed = try await p.refresh(rp, refreshToken)
            #expect(refreshed.status == 200)
            let idToken = try await p.verifyIDToken(try #require(refreshed.json["id_token"] as? String)).raw
            for claim in ["iss", "sub", "aud", "azp"] {
                #expect(idToken[claim] as? String == first.idToken[claim] as? String, "\(claim)")
            }
            #expect(idToken["auth_time"] as? Int == first.idToken["auth_time"] as? Int)
            #expect((idToken["iat"] as? Int ?? 0) >= (first.idToken["iat"] as? Int ?? 0) + 10)
            #expect(idToken["nonce"] == nil)
            let rotated = try #require(refreshed.json["refresh_token"] as? String)
            #expect(rotated != refreshToken)
            let info = try await p.userinfo(try #require(refreshed.json["access_token"] as? String))
            #expect(info.json["sub"] as? String == first.idToken["sub"] as? String)
        }
    }

    @Test("offline_access without prompt=consent is ignored: no refresh token (OIDC Core §11)")
    func offlineAccessNeedsConsent() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let result = try await p.signIn(rp, scope: Self.offlineScope)
            #expect(result.token["refresh_token"] == nil)
            #expect((result.token["scope"] as? String)?.contains("offline_access") == false)
        }
    }

    @Test("reusing a rotated refresh token → invalid_grant and the whole family is revoked (RFC 9700 §4.14.2)")
    func reuseRevokesFamily() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp, Self.offline, scope: Self.offlineScope)
            let original = try #require(first.token["refresh_token"] as? String)
            let refreshed = try await p.refresh(rp, original)
            let successor = try #require(refreshed.json["refresh_token"] as? String)
            let accessToken = try #require(refreshed.json["access_token"] as? String)
            let replay = try await p.refresh(rp, original)
            #expect(replay.status == 400)
            #expect(replay.json["error"] as? String == "invalid_grant")
            // The attacker's (or the client's) successor dies with the family, and so do the
            // access tokens of the grant.
            #expect(try await p.refresh(rp, successor).json["error"] as? String == "invalid_grant")
            #expect(try await p.userinfo(accessToken).status == 401)
            #expect(try await p.userinfo(try #require(first.token["access_token"] as? String)).status == 401)
        }
    }

    @Test("oidcc-refresh-token: another client's refresh token → invalid_grant, and it still works for its owner (RFC 6749 §6)")
    func otherClientsToken() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let other = try await p.registerClient()
            let first = try await p.signIn(rp, Self.offline, scope: Self.offlineScope)
            let refreshToken = try #require(first.token["refresh_token"] as? String)
            let stolen = try await p.refresh(other, refreshToken)
            #expect(stolen.status == 400)
            #expect(stolen.json["error"] as? String == "invalid_grant")
            #expect(try await p.refresh(rp, refreshToken).status == 200)
        }
    }

    @Test("a refresh token expires after the idle lifetime; scope can narrow, never widen")
    func idleExpiryAndScope() async throws {
        try await TestProvider.run(.init(adjustSettings: { $0.refreshTokenIdleLifetime = 3_600 })) { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp, Self.offline, scope: Self.offlineScope)
            let token = try #require(first.token["refresh_token"] as? String)
            let wider = try await p.refresh(rp, token, extra: [("scope", "openid wechat")])
            #expect(wider.json["error"] as? String == "invalid_scope")
            let narrower = try await p.refresh(rp, token, extra: [("scope", "openid")])
            #expect(narrower.status == 200)
            #expect(narrower.json["scope"] as? String == "openid")
            // The new refresh token keeps the original scope (RFC 6749 §6).
            let next = try #require(narrower.json["refresh_token"] as? String)
            p.clock.advance(seconds: 3_601)
            #expect(try await p.refresh(rp, next).json["error"] as? String == "invalid_grant")
            _ = next
        }
    }

    @Test("a public client (PKCE) refreshes without a secret; missing refresh_token → invalid_request")
    func publicClientRefresh() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient(isPublic: true)
            let verifier = String(repeating: "q", count: 50)
            let query = try await p.login(rp, [("prompt", "consent"), ("code_challenge", PKCE.s256Challenge(for: verifier)), ("code_challenge_method", "S256")], scope: Self.offlineScope)
            let token = try await p.token(rp, code: try #require(query["code"]), extra: [("code_verifier", verifier)])
            let refreshToken = try #require(token.json["refresh_token"] as? String)
            let refreshed = try await p.postWithBasic(rp, path: "/token", form: [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", rp.clientID)])
            #expect(refreshed.status == 200)
            let missing = try await p.postWithBasic(rp, path: "/token", form: [("grant_type", "refresh_token"), ("client_id", rp.clientID)])
            #expect(missing.json["error"] as? String == "invalid_request")
        }
    }

    @Test("code replay revokes the refresh tokens of the grant too (RFC 6749 §4.1.2)")
    func codeReplayRevokesRefresh() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let query = try await p.login(rp, Self.offline, scope: Self.offlineScope)
            let code = try #require(query["code"])
            let first = try await p.token(rp, code: code)
            let refreshToken = try #require(first.json["refresh_token"] as? String)
            #expect(try await p.token(rp, code: code).status == 400)
            #expect(try await p.refresh(rp, refreshToken).json["error"] as? String == "invalid_grant")
        }
    }

    @Test("RFC 7009: revoking a refresh token revokes its family and the grant's access tokens; unknown tokens get 200")
    func revocation() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let other = try await p.registerClient()
            let first = try await p.signIn(rp, Self.offline, scope: Self.offlineScope)
            let refreshToken = try #require(first.token["refresh_token"] as? String)
            let accessToken = try #require(first.token["access_token"] as? String)
            // §2.1: only the client the token was issued to may revoke it.
            #expect(try await p.postWithBasic(other, path: "/revoke", form: [("token", refreshToken)]).status == 400)
            #expect(try await p.postWithBasic(rp, path: "/revoke", form: [("token", refreshToken), ("token_type_hint", "refresh_token")]).status == 200)
            #expect(try await p.refresh(rp, refreshToken).json["error"] as? String == "invalid_grant")
            #expect(try await p.userinfo(accessToken).status == 401)
            #expect(try await p.postWithBasic(rp, path: "/revoke", form: [("token", "unknown")]).status == 200)
            let badHint = try await p.postWithBasic(rp, path: "/revoke", form: [("token", "x"), ("token_type_hint", "id_token")])
            #expect(badHint.json["error"] as? String == "unsupported_token_type")
            let unauthenticated = try await p.browser.get(p.issuer + "/revoke", method: .POST, form: [("token", "x"), ("client_id", rp.clientID)])
            #expect(unauthenticated.status == 401)
        }
    }

    @Test("RFC 7009: revoking an access token (hint or not) stops it at userinfo")
    func revokeAccessToken() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp)
            let accessToken = try #require(first.token["access_token"] as? String)
            #expect(try await p.userinfo(accessToken).status == 200)
            #expect(try await p.postWithBasic(rp, path: "/revoke", form: [("token", accessToken)]).status == 200)
            #expect(try await p.userinfo(accessToken).status == 401)
        }
    }

    @Test("RFC 7662: active tokens described to their client, inactive to everyone else")
    func introspection() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let other = try await p.registerClient()
            let first = try await p.signIn(rp, Self.offline, scope: Self.offlineScope)
            let accessToken = try #require(first.token["access_token"] as? String)
            let refreshToken = try #require(first.token["refresh_token"] as? String)
            let described = try await p.postWithBasic(rp, path: "/introspect", form: [("token", accessToken)])
            #expect(described.status == 200)
            #expect(described.json["active"] as? Bool == true)
            #expect(described.json["client_id"] as? String == rp.clientID)
            #expect(described.json["sub"] as? String == first.idToken["sub"] as? String)
            #expect(described.json["token_type"] as? String == "Bearer")
            #expect(described.json["scope"] as? String == "openid profile offline_access")
            #expect(described.json["iss"] as? String == p.issuer)
            let refresh = try await p.postWithBasic(rp, path: "/introspect", form: [("token", refreshToken), ("token_type_hint", "refresh_token")])
            #expect(refresh.json["active"] as? Bool == true)
            #expect(refresh.json["token_type"] as? String == "refresh_token")
            let foreign = try await p.postWithBasic(other, path: "/introspect", form: [("token", accessToken)])
            #expect(foreign.json as NSDictionary == ["active": false] as NSDictionary)
            let unknown = try await p.postWithBasic(rp, path: "/introspect", form: [("token", "nope")])
            #expect(unknown.json as NSDictionary == ["active": false] as NSDictionary)
            p.clock.advance(seconds: 3_601)
            #expect(try await p.postWithBasic(rp, path: "/introspect", form: [("token", accessToken)]).json["active"] as? Bool == false)
            let publicClient = try await p.registerClient(isPublic: true)
            let refused = try await p.browser.get(p.issuer + "/introspect", method: .POST, form: [("token", accessToken), ("client_id", publicClient.clientID)])
            #expect(refused.status == 401)
        }
    }
}
