import Foundation
import Testing
import OIDC
@testable import Server

@Suite("Refusals and hostile input end to end", .serialized)
struct ErrorPathTests {
    @Test("unknown client → HTML error page, no redirect")
    func unknownClient() async throws {
        try await TestProvider.run { p in
            let rp = TestProvider.RP(clientID: "nobody", secret: nil, redirectURI: "https://rp.example/cb")
            let page = try await p.browser.get(p.authorizeURL(rp))
            #expect(page.status == 400)
            #expect(page.header("Location") == nil)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(page.body.contains("invalid_client"))
            // Both languages say what the user can do (the login page's languages).
            #expect(page.body.contains(#"<p id="error-title-zh" lang="zh-CN""#))
            #expect(page.body.contains("请关闭此页面，回到您来自的应用重新开始登录。"))
            #expect(page.body.contains("You can close this page and start again from the application you came from."))
        }
    }

    @Test("oidcc-ensure-registered-redirect-uri: mismatched redirect_uri → error page")
    func redirectMismatch() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let evil = TestProvider.RP(clientID: rp.clientID, secret: nil, redirectURI: "https://evil.example/cb")
            let page = try await p.browser.get(p.authorizeURL(evil))
            #expect(page.status == 400)
            #expect(page.header("Location") == nil)
            #expect(page.body.contains("redirect_uri is not registered"))
        }
    }

    @Test("oidcc-response-type-missing → invalid_request redirect with state and iss")
    func responseTypeMissing() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let url = p.authorizeURL(rp).replacingOccurrences(of: "response_type=code&", with: "")
            let page = try await p.browser.get(url)
            #expect(page.status == 303)
            let query = queryItems(try #require(page.header("Location")))
            #expect(query["error"] == "invalid_request")
            #expect(query["state"] == "st-123")
            #expect(query["iss"] == p.issuer)
            #expect(query["code"] == nil)
        }
    }

    @Test("user cancels at WeChat (callback without code) → access_denied at the RP")
    func denial() async throws {
        try await TestProvider.run(.init(autoApproveUser: nil)) { p in
            let rp = try await p.registerClient()
            let qr = try await p.startLogin(rp)
            let state = try #require(queryItems(qr)["state"])
            let callback = try await p.browser.get(p.issuer + "/callback/wechat?state=\(state)")
            #expect(callback.status == 303)
            let query = queryItems(try #require(callback.header("Location")))
            #expect(query["error"] == "access_denied")
            #expect(query["state"] == "st-123")
            #expect(query["iss"] == p.issuer)
            #expect(query["code"] == nil)
        }
    }

    @Test("a tampered state, or a callback in another browser, gets an error page")
    func tamperedState() async throws {
        try await TestProvider.run(.init(autoApproveUser: nil)) { p in
            let rp = try await p.registerClient()
            let qr = try await p.startLogin(rp)
            let state = try #require(queryItems(qr)["state"])
            var tampered = state
            tampered.removeLast()
            tampered.append(state.last == "A" ? "B" : "A")
            let page = try await p.browser.get(p.issuer + "/callback/wechat?code=abc&state=\(tampered)")
            #expect(page.status == 400)
            #expect(page.header("Location") == nil)
            let junk = try await p.browser.get(p.issuer + "/callback/wechat?code=abc&state=%3Cscript%3E")
            #expect(junk.status == 400)
            #expect(!junk.body.contains("<script>"))

            await p.browser.clearCookies()
            let otherBrowser = try await p.browser.get(p.issuer + "/callback/wechat?code=abc&state=\(state)")
            #expect(otherBrowser.status == 400)
            #expect(otherBrowser.body.contains("another browser"))
        }
    }

    @Test("oidcc-codereuse: a replayed code → invalid_grant and the first access token stops working")
    func codeReplay() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let code = try #require(try await p.login(rp)["code"])
            let first = try await p.token(rp, code: code)
            let accessToken = try #require(first.json["access_token"] as? String)
            #expect(try await p.userinfo(accessToken).status == 200)
            let replay = try await p.token(rp, code: code)
            #expect(replay.status == 400)
            #expect(replay.json["error"] as? String == "invalid_grant")
            #expect(try await p.userinfo(accessToken).status == 401)
        }
    }

    @Test("a code expires after 60 s → invalid_grant")
    func codeExpiry() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let code = try #require(try await p.login(rp)["code"])
            p.clock.advance(seconds: 61)
            let result = try await p.token(rp, code: code)
            #expect(result.status == 400)
            #expect(result.json["error"] as? String == "invalid_grant")
        }
    }

    @Test("PKCE S256 (oidcc-ensure-request-with-valid-pkce-succeeds) and a wrong verifier → invalid_grant")
    func pkce() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient(isPublic: true, redirectURIs: ["http://127.0.0.1:9/cb"])
            let verifier = String(repeating: "x", count: 50)
            let pkce = [("code_challenge", PKCE.s256Challenge(for: verifier)), ("code_challenge_method", "S256")]
            let good = try #require(try await p.login(rp, pkce)["code"])
            #expect(try await p.token(rp, code: good, extra: [("code_verifier", verifier)]).status == 200)
            let bad = try #require(try await p.login(rp, pkce)["code"])
            let refused = try await p.token(rp, code: bad, extra: [("code_verifier", verifier + "y")])
            #expect(refused.status == 400)
            #expect(refused.json["error"] as? String == "invalid_grant")
            // A public client without PKCE is refused at the authorization endpoint.
            let noPKCE = try await p.browser.get(p.authorizeURL(rp))
            #expect(queryItems(try #require(noPKCE.header("Location")))["error"] == "invalid_request")
        }
    }

    @Test("token endpoint: bad client credentials → 401 invalid_client + WWW-Authenticate")
    func badClient() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let code = try #require(try await p.login(rp)["code"])
            let wrong = TestProvider.RP(clientID: rp.clientID, secret: "wrong", redirectURI: rp.redirectURI)
            let result = try await p.token(wrong, code: code)
            #expect(result.status == 401)
            #expect(result.json["error"] as? String == "invalid_client")
            #expect(result.headers.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            // The code was not consumed by the failed attempt.
            #expect(try await p.token(rp, code: code).status == 200)
        }
    }

    @Test("token endpoint: malformed requests get RFC 6749 §5.2 errors; oversized bodies 413")
    func malformedToken() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let json = try await p.browser.get(p.issuer + "/token", method: .POST, headers: [("Content-Type", "application/json")])
            #expect(json.status == 400)
            #expect(json.body.contains("invalid_request"))
            let noGrant = try await p.token(rp, code: "x", extra: []).json
            #expect(noGrant["error"] as? String == "invalid_grant")
            let unsupported = try await p.browser.get(p.issuer + "/token", method: .POST, form: [("grant_type", "password"), ("client_id", rp.clientID), ("client_secret", rp.secret ?? "")])
            #expect(unsupported.body.contains("unsupported_grant_type"))
            let repeated = try await p.browser.get(p.issuer + "/token", method: .POST, form: [("grant_type", "authorization_code"), ("grant_type", "authorization_code")])
            #expect(repeated.body.contains("invalid_request"))
            let huge = try await p.browser.get(p.issuer + "/token", method: .POST, form: [("grant_type", String(repeating: "a", count: 40_000))])
            #expect(huge.status == 413)
            let badEscape = try await p.browser.get(p.issuer + "/authorize?client_id=%zz")
            #expect(badEscape.status == 400)
        }
    }

    @Test("a client created while the server runs is usable at once")
    func liveClient() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            #expect(try await p.login(rp)["code"] != nil)
            _ = try await p.stores.clients.delete(id: rp.clientID)
            let page = try await p.browser.get(p.authorizeURL(rp))
            #expect(page.status == 400)
        }
    }
}
