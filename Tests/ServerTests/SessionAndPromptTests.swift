import Foundation
import OIDC
import Testing
@testable import Server

/// The browser SSO session and the authorization request parameters that steer it
/// (OIDC Core §3.1.2.1 `prompt`, `max_age`, `id_token_hint`), named after the conformance modules.
@Suite("Sessions, prompt, max_age and id_token_hint")
struct SessionAndPromptTests {
    @Test("oidcc-prompt-none-not-logged-in: no session → login_required at the RP with state and iss, no WeChat hop (OIDC Core §3.1.2.6)")
    func promptNoneNotLoggedIn() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let page = try await p.authorizeOnce(rp, [("prompt", "none")])
            #expect(page.status == 303)
            let location = try #require(page.header("Location"))
            #expect(location.hasPrefix(rp.redirectURI + "?"))
            let query = queryItems(location)
            #expect(query["error"] == "login_required")
            #expect(query["state"] == "st-123")
            #expect(query["iss"] == p.issuer)
            #expect(query["code"] == nil)
        }
    }

    @Test("oidcc-prompt-none-logged-in: the session answers silently with the same sub, auth_time and sid")
    func promptNoneLoggedIn() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp)
            p.clock.advance(seconds: 30)
            // The very first response already goes back to the RP: no WeChat interaction.
            let page = try await p.authorizeOnce(rp, [("prompt", "none")])
            let location = try #require(page.header("Location"))
            #expect(location.hasPrefix(rp.redirectURI + "?"))
            let code = try #require(queryItems(location)["code"])
            let token = try await p.token(rp, code: code)
            let second = try await p.verifyIDToken(try #require(token.json["id_token"] as? String)).raw
            #expect(second["sub"] as? String == first.idToken["sub"] as? String)
            #expect(second["auth_time"] as? Int == first.idToken["auth_time"] as? Int)
            #expect(second["sid"] as? String == first.idToken["sid"] as? String)
            #expect((second["sid"] as? String)?.isEmpty == false)
            #expect((second["iat"] as? Int ?? 0) > (first.idToken["iat"] as? Int ?? 0))
        }
    }

    @Test("oidcc-prompt-login: prompt=login goes through WeChat again and auth_time moves on")
    func promptLogin() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp)
            p.clock.advance(seconds: 5)
            let page = try await p.authorizeOnce(rp, [("prompt", "login")])
            #expect(page.header("Location")?.hasPrefix(p.simulatorBase + "/connect/qrconnect?") == true)
            let second = try await p.signIn(rp, [("prompt", "login")])
            #expect(second.idToken["sub"] as? String == first.idToken["sub"] as? String)
            #expect((second.idToken["auth_time"] as? Int ?? 0) >= (first.idToken["auth_time"] as? Int ?? 0) + 5)
        }
    }

    @Test("oidcc-max-age-1: an older session means a new WeChat login; oidcc-max-age-10000: the session is reused; auth_time present")
    func maxAge() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp)
            let firstAuthTime = try #require(first.idToken["auth_time"] as? Int)
            p.clock.advance(seconds: 2)
            let reused = try await p.authorizeOnce(rp, [("max_age", "10000")])
            #expect(reused.header("Location")?.hasPrefix(rp.redirectURI + "?code=") == true)
            let again = try await p.authorizeOnce(rp, [("max_age", "1")])
            #expect(again.header("Location")?.hasPrefix(p.simulatorBase + "/connect/qrconnect?") == true)
            let second = try await p.signIn(rp, [("max_age", "1")])
            #expect((second.idToken["auth_time"] as? Int ?? 0) >= firstAuthTime + 2)
            let bad = try await p.authorizeOnce(rp, [("max_age", "-3")])
            #expect(try redirectQuery(bad)["error"] == "invalid_request")
        }
    }

    @Test("oidcc-id-token-hint: prompt=none with our ID token as hint succeeds for its user")
    func idTokenHint() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp)
            let page = try await p.authorizeOnce(rp, [("prompt", "none"), ("id_token_hint", first.rawIDToken)])
            let code = try #require(try redirectQuery(page)["code"])
            let token = try await p.token(rp, code: code)
            let second = try await p.verifyIDToken(try #require(token.json["id_token"] as? String)).raw
            #expect(second["sub"] as? String == first.idToken["sub"] as? String)
        }
    }

    @Test("id_token_hint that is forged, unsigned (alg none) or garbage → invalid_request at the RP (OIDC Core §3.1.2.1)")
    func forgedHint() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp)
            let parts = first.rawIDToken.split(separator: ".").map(String.init)
            let unsigned = Base64URL.encode(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."
            let tampered = parts[0] + "." + Base64URL.encode(Data(#"{"iss":"x","sub":"someone-else","aud":"y"}"#.utf8)) + "." + parts[2]
            for hint in [unsigned, tampered, "garbage"] {
                let page = try await p.authorizeOnce(rp, [("prompt", "none"), ("id_token_hint", hint)])
                let query = try redirectQuery(page)
                #expect(query["error"] == "invalid_request")
                #expect(query["code"] == nil)
            }
        }
    }

    @Test("prompt=none with a hint for another user than the session's → login_required")
    func hintForAnotherUser() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let alice = try await p.signIn(rp)
            let other = try #require(p.simulatorConfiguration.users.first { $0.id != "alice" })
            try p.simulator.setAutoApprove(userID: other.id)
            let bob = try await p.signIn(rp, [("prompt", "login")])
            #expect(bob.idToken["sub"] as? String != alice.idToken["sub"] as? String)
            let page = try await p.authorizeOnce(rp, [("prompt", "none"), ("id_token_hint", alice.rawIDToken)])
            #expect(try redirectQuery(page)["error"] == "login_required")
        }
    }

    @Test("oidcc-display-page / -popup, oidcc-login-hint, oidcc-ui-locales, oidcc-claims-locales: accepted")
    func acceptedHints() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            for extra in [("display", "page"), ("display", "popup"), ("login_hint", "alice"), ("ui_locales", "zh-CN en"), ("claims_locales", "zh-CN")] {
                let result = try await p.signIn(rp, [extra, ("prompt", "login")])
                #expect(result.token["access_token"] != nil)
            }
        }
    }

    @Test("oidcc-ensure-request-with-acr-values-succeeds: a known acr is stated, an unknown one is not invented")
    func acrValues() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let known = try await p.signIn(rp, [("acr_values", "urn:other " + ACR.wechat)])
            #expect(known.idToken["acr"] as? String == ACR.wechat)
            let unknown = try await p.signIn(rp, [("acr_values", "1 2"), ("prompt", "login")])
            #expect(unknown.idToken["acr"] == nil)
        }
    }

    @Test("a new WeChat login replaces the browser's session (a new sid)")
    func newLoginNewSession() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try await p.signIn(rp)
            let second = try await p.signIn(rp, [("prompt", "login")])
            #expect(first.idToken["sid"] as? String != second.idToken["sid"] as? String)
        }
    }
}
