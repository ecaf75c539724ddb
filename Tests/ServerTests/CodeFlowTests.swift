import Foundation
import Testing
import OIDC
@testable import Server

/// End to end: the real server on a real port, the simulator over real sockets.
@Suite("Authorization code flow end to end", .serialized)
struct CodeFlowTests {
    @Test("oidcc-server: QR login → code → RS256 ID token with exact claims → userinfo")
    func happyPath() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let response = try await p.login(rp)
            #expect(response["state"] == "st-123")
            #expect(response["iss"] == p.issuer)
            let code = try #require(response["code"])
            #expect(code.count >= 43)  // ≥ 256 bits, base64url
            let loginTime = Int(p.clock.now().timeIntervalSince1970)

            let token = try await p.token(rp, code: code)
            #expect(token.status == 200)
            #expect(token.headers.header("Cache-Control") == "no-store")
            #expect(token.headers.header("Pragma") == "no-cache")
            #expect(token.json["token_type"] as? String == "Bearer")
            #expect(token.json["expires_in"] as? Int == 3600)
            let accessToken = try #require(token.json["access_token"] as? String)
            let idToken = try #require(token.json["id_token"] as? String)
            #expect(accessToken != idToken)

            let verified = try await p.verifyIDToken(idToken)
            #expect(verified.header["alg"] == "RS256")
            #expect(verified.header["kid"]?.isEmpty == false)
            #expect(verified.claims.iss == p.issuer)
            #expect(verified.claims.aud == rp.clientID)
            #expect(verified.claims.azp == rp.clientID)
            #expect(verified.claims.nonce == "n-456")
            #expect(verified.claims.at_hash == AccessTokenHash.sha256(accessToken))
            #expect(verified.claims.amr == ["wechat_qr"])
            #expect(verified.claims.auth_time == loginTime)
            #expect(verified.claims.iat == loginTime)
            #expect(verified.claims.exp == loginTime + 3600)
            #expect(verified.raw["exp"] is Int)
            let sub = verified.claims.sub
            #expect(sub.count == 24 && sub.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(!sub.contains("Alice"))

            let info = try await p.userinfo(accessToken)
            #expect(info.status == 200)
            #expect(info.json["sub"] as? String == sub)
            let alice = try #require(p.simulatorConfiguration.users.first { $0.id == "alice" })
            #expect(info.json["nickname"] as? String == alice.nickname)
            #expect(info.json["name"] as? String == alice.nickname)
            #expect(info.json["sex"] == nil)
            #expect((info.json["wechat_openid"] as? String)?.hasPrefix("o") == true)
            #expect((info.json["wechat_unionid"] as? String)?.isEmpty == false)
            for (_, value) in info.json { #expect((value as? String)?.isEmpty != true) }
        }
    }

    @Test("the same WeChat user gets the same sub; another user another sub")
    func stableSubject() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            func sub(_ parameters: [(String, String)] = []) async throws -> String {
                let code = try #require(try await p.login(rp, parameters)["code"])
                let token = try await p.token(rp, code: code)
                return try await p.verifyIDToken(try #require(token.json["id_token"] as? String)).claims.sub
            }
            let first = try await sub()
            #expect(try await sub() == first)
            let other = try #require(p.simulatorConfiguration.users.first { $0.id != "alice" })
            try p.simulator.setAutoApprove(userID: other.id)
            // The browser's SSO session would answer for alice: ask WeChat again.
            #expect(try await sub([("prompt", "login")]) != first)
        }
    }

    @Test("oidcc-ensure-request-without-nonce-succeeds-for-code-flow: no nonce → no nonce claim")
    func withoutNonce() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let code = try #require(try await p.login(rp, nonce: nil)["code"])
            let token = try await p.token(rp, code: code)
            let verified = try await p.verifyIDToken(try #require(token.json["id_token"] as? String))
            #expect(verified.raw["nonce"] == nil)
        }
    }

    @Test("oidcc-server-client-secret-post: client_secret_post works")
    func secretPost() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let code = try #require(try await p.login(rp)["code"])
            #expect(try await p.token(rp, code: code, basic: false).status == 200)
        }
    }

    @Test("userinfo releases only granted scopes: openid alone gives sub only")
    func scopeOpenIDOnly() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let code = try #require(try await p.login(rp, scope: "openid")["code"])
            let token = try await p.token(rp, code: code)
            let info = try await p.userinfo(try #require(token.json["access_token"] as? String))
            #expect(Set(info.json.keys) == ["sub"])
        }
    }

    @Test("userinfo by POST header and form body (oidcc-userinfo-post-header / -post-body)")
    func userinfoPost() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let code = try #require(try await p.login(rp)["code"])
            let accessToken = try #require(try await p.token(rp, code: code).json["access_token"] as? String)
            let header = try await p.browser.get(p.issuer + "/userinfo", method: .POST, headers: [("Authorization", "Bearer \(accessToken)")])
            #expect(header.status == 200)
            let body = try await p.browser.get(p.issuer + "/userinfo", method: .POST, form: [("access_token", accessToken)])
            #expect(body.status == 200)
            let both = try await p.browser.get(p.issuer + "/userinfo", method: .POST, form: [("access_token", accessToken)], headers: [("Authorization", "Bearer \(accessToken)")])
            #expect(both.status == 400)
        }
    }

    @Test("userinfo without or with a bad token → 401 + WWW-Authenticate (RFC 6750 §3)")
    func userinfoBadToken() async throws {
        try await TestProvider.run { p in
            let none = try await p.browser.get(p.issuer + "/userinfo")
            #expect(none.status == 401)
            #expect(none.header("WWW-Authenticate") == #"Bearer realm="wechat-oidc""#)
            let bad = try await p.userinfo("not-a-token")
            #expect(bad.status == 401)
            #expect(bad.page.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
            #expect(bad.json["error"] as? String == "invalid_token")
        }
    }

    @Test("a registered redirect_uri with a query keeps it (oidcc redirect_uri query)")
    func redirectWithQuery() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient(redirectURIs: ["https://rp.example/cb?bar=foo"])
            let redirect = try await p.browser.follow(p.authorizeURL(rp), stopAt: "https://rp.example/cb")
            let location = try redirect.get()
            #expect(location.hasPrefix("https://rp.example/cb?bar=foo&code="))
            let code = try #require(queryItems(location)["code"])
            #expect(try await p.token(rp, code: code).status == 200)
        }
    }

    @Test("oidcc-ensure-post-request-succeeds: authorization request by form POST")
    func postAuthorize() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let page = try await p.browser.get(p.issuer + "/authorize", method: .POST, form: [
                ("response_type", "code"), ("client_id", rp.clientID), ("redirect_uri", rp.redirectURI), ("scope", "openid"), ("state", "p1"),
            ])
            #expect(page.status == 303)
            let location = try #require(page.header("Location"))
            let result = try await p.browser.follow(location, stopAt: rp.redirectURI)
            #expect(queryItems(try result.get())["state"] == "p1")
        }
    }

    @Test("the WeChat redirect is qrconnect with WeChat's parameter order and #wechat_redirect")
    func qrconnectShape() async throws {
        try await TestProvider.run(.init(autoApproveUser: nil)) { p in
            let rp = try await p.registerClient()
            let location = try await p.startLogin(rp)
            let app = try #require(p.simulatorConfiguration.apps.first)
            let prefix = "\(p.simulatorBase)/connect/qrconnect?appid=\(app.appID)&redirect_uri=\(FormEncoding.encode(p.issuer + "/callback/wechat"))&response_type=code&scope=snsapi_login&state="
            #expect(location.hasPrefix(prefix))
            #expect(location.hasSuffix("#wechat_redirect"))
            let state = try #require(queryItems(location)["state"])
            #expect(state.count == 32 && state.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        }
    }
}
