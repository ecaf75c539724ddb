import Foundation
import Testing
import WeChat
@testable import Server

/// "Follow the Official Account to log in" (WECHAT.md §5, `login.page: follow`) on the real
/// server, with the simulator's QR codes, `/cgi-bin/...` APIs and `POST /_simulator/scan`.
@Suite("Follow the Official Account to log in")
struct FollowLoginTests {
    @Test("PC browser: QR page, scan (subscribe, plain push), poll, complete → code with amr wechat_oa_follow; single use")
    func plainFlow() async throws {
        try await TestProvider.run(FollowLoginDriver.options) { provider in
            let driver = FollowLoginDriver(provider: provider)
            let rp = try await provider.registerClient()
            let login = try driver.loginPage(try await provider.browser.get(provider.authorizeURL(rp)))
            #expect(login.imageURL.hasPrefix(provider.simulatorBase + "/cgi-bin/showqrcode?ticket="))
            #expect(login.scene.count == 40)
            let csp = try #require(login.page.header("Content-Security-Policy"))
            #expect(csp.contains("script-src '\(FollowLoginPage.scriptHash)'"))
            #expect(csp.contains("connect-src 'self'"))
            let image = try await provider.browser.get(login.imageURL)
            #expect(image.status == 200)
            #expect(image.header("Content-Type") == "image/svg+xml")
            #expect(try await driver.status(login.scene, browser: provider.browser) == (200, "waiting"))
            // Not scanned yet: completing is refused and changes nothing.
            #expect(try await driver.complete(login.scene, browser: provider.browser).status == 400)

            let scan = try await driver.scan(ticket: login.ticket)
            #expect(scan.event == "subscribe")
            #expect(scan.xml.contains("qrscene_" + login.scene))
            let pushed = try await driver.push(scan.xml, safeMode: false)
            #expect(pushed.status == 200)
            #expect(pushed.body == "success")
            // WeChat's retries of the same push: acknowledged again, nothing changes.
            for _ in 0..<3 { #expect(try await driver.push(scan.xml, safeMode: false).body == "success") }
            let polled = try await driver.status(login.scene, browser: provider.browser)
            #expect(polled == (200, "scanned"))
            // The browser learns that it was scanned, never by whom.
            let raw = try await provider.browser.get(provider.issuer + "/login/follow-status?scene=" + login.scene)
            #expect(raw.body == #"{"status":"scanned"}"#)
            #expect(!raw.body.contains(scan.openID))

            let done = try await driver.complete(login.scene, browser: provider.browser)
            let query = try redirectQuery(done)
            #expect(done.header("Location")?.hasPrefix(rp.redirectURI + "?") == true)
            #expect(query["state"] == "st-123")
            #expect(query["iss"] == provider.issuer)
            let code = try #require(query["code"])
            let token = try await provider.token(rp, code: code)
            let idToken = try #require(token.json["id_token"] as? String)
            let claims = try await provider.verifyIDToken(idToken).raw
            #expect(claims["amr"] as? [String] == ["wechat_oa_follow"])
            // Single use: a second completion is refused; the scene is done.
            #expect(try await driver.complete(login.scene, browser: provider.browser).status == 400)
            #expect(try await driver.status(login.scene, browser: provider.browser) == (200, "done"))

            // One person behind every door: the in-WeChat door names the same sub (unionid).
            let inside = try await InWeChatDoorTests.signInInsideWeChat(provider, rp, browser: InWeChatDoorTests.weChatBrowser(provider))
            #expect(inside["sub"] as? String == claims["sub"] as? String)
        }
    }

    @Test("an existing follower scans again: SCAN with the bare scene, safe-mode push; response_mode=form_post respected")
    func safeModeFlow() async throws {
        try await TestProvider.run(FollowLoginDriver.options) { provider in
            let driver = FollowLoginDriver(provider: provider)
            let rp = try await provider.registerClient()
            var subs: [String] = []
            for round in 0..<2 {
                // A fresh browser each time (no SSO session to reuse).
                await provider.browser.clearCookies()
                let parameters: [(String, String)] = round == 1 ? [("response_mode", "form_post")] : []
                let login = try driver.loginPage(try await provider.browser.get(provider.authorizeURL(rp, parameters)))
                let scan = try await driver.scan(ticket: login.ticket)
                #expect(scan.event == (round == 0 ? "subscribe" : "SCAN"))
                let pushed = try await driver.push(scan.xml, safeMode: true, nonce: "n\(round)")
                #expect(pushed.body == "success")
                #expect(try await driver.push(scan.xml, safeMode: true, nonce: "n\(round)").body == "success")
                #expect(try await driver.status(login.scene, browser: provider.browser) == (200, "scanned"))
                let done = try await driver.complete(login.scene, browser: provider.browser)
                let code: String
                if round == 1 {
                    #expect(done.status == 200)
                    #expect(done.body.contains(#"action="\#(rp.redirectURI)""#))
                    code = try #require(FormPostAndClaimsTests.fields(done.body)["code"])
                } else {
                    code = try #require(try redirectQuery(done)["code"])
                }
                let token = try await provider.token(rp, code: code)
                let claims = try await provider.verifyIDToken(try #require(token.json["id_token"] as? String)).raw
                subs.append(try #require(claims["sub"] as? String))
            }
            #expect(subs[0] == subs[1])
        }
    }

    @Test("another browser cannot poll or complete someone's scene; hostile scene values are refused")
    func otherBrowser() async throws {
        try await TestProvider.run(FollowLoginDriver.options) { provider in
            let driver = FollowLoginDriver(provider: provider)
            let rp = try await provider.registerClient()
            let login = try driver.loginPage(try await provider.browser.get(provider.authorizeURL(rp)))
            let stranger = TestBrowser(http: provider.http)
            // The stranger has a binding cookie of its own, from a login of its own.
            _ = try await stranger.get(provider.authorizeURL(rp))
            #expect(try await driver.status(login.scene, browser: stranger) == (403, "refused"))
            let scan = try await driver.scan(ticket: login.ticket)
            _ = try await driver.push(scan.xml, safeMode: false)
            #expect(try await driver.status(login.scene, browser: stranger) == (403, "refused"))
            #expect(try await driver.complete(login.scene, browser: stranger).status == 400)
            for hostile in ["", "x", String(repeating: "A", count: 41), login.scene + "&scene=" + login.scene, "%00", String(repeating: "%C3%A9", count: 40)] {
                #expect(try await driver.status(hostile, browser: provider.browser).code == 403, "\(hostile)")
                #expect(try await driver.complete(hostile, browser: provider.browser).status == 400, "\(hostile)")
            }
            // The owner still completes.
            #expect(try redirectQuery(try await driver.complete(login.scene, browser: provider.browser))["code"] != nil)
        }
    }

    @Test("an expired scene: polling says expired, a late scan does not mark it, completing is refused")
    func expired() async throws {
        try await TestProvider.run(FollowLoginDriver.options) { provider in
            let driver = FollowLoginDriver(provider: provider)
            let rp = try await provider.registerClient()
            let login = try driver.loginPage(try await provider.browser.get(provider.authorizeURL(rp)))
            #expect(login.page.body.contains(#"data-expires-in="300""#))
            provider.clock.advance(seconds: 301)
            #expect(try await driver.status(login.scene, browser: provider.browser) == (200, "expired"))
            let scan = try await driver.scan(ticket: login.ticket)
            #expect(try await driver.push(scan.xml, safeMode: false).body == "success")
            #expect(try await driver.status(login.scene, browser: provider.browser) == (200, "expired"))
            #expect(try await driver.complete(login.scene, browser: provider.browser).status == 400)
        }
    }

    @Test("pushes that are not ours are acknowledged and change nothing; forged pushes are refused")
    func foreignPushes() async throws {
        try await TestProvider.run(FollowLoginDriver.options) { provider in
            let driver = FollowLoginDriver(provider: provider)
            let rp = try await provider.registerClient()
            let login = try driver.loginPage(try await provider.browser.get(provider.authorizeURL(rp)))
            let scan = try await driver.scan(ticket: login.ticket)
            // Forged (wrong token): 403, the scene stays waiting.
            let forged = try await provider.browser.get(
                provider.issuer + "/callback/wechat/events?signature=0000&timestamp=1&nonce=2", method: .POST, rawBody: scan.xml
            )
            #expect(forged.status == 403)
            #expect(try await driver.status(login.scene, browser: provider.browser) == (200, "waiting"))
            let other = scan.xml.replacingOccurrences(of: login.scene, with: "qrscene_promo")
            #expect(try await driver.push(other, safeMode: false).body == "success")
            #expect(try await driver.status(login.scene, browser: provider.browser) == (200, "waiting"))
        }
    }

    @Test("only an Official Account configured: PC browsers get the follow QR instead of \"open in WeChat\"")
    func onlyOfficialAccount() async throws {
        var options = FollowLoginDriver.options
        options.doors = [.officialAccount]
        try await TestProvider.run(options) { provider in
            let driver = FollowLoginDriver(provider: provider)
            let rp = try await provider.registerClient()
            let login = try driver.loginPage(try await provider.browser.get(provider.authorizeURL(rp)))
            let scan = try await driver.scan(ticket: login.ticket, user: "xiaoming")
            #expect(try await driver.push(scan.xml, safeMode: true).body == "success")
            let code = try #require(try redirectQuery(try await driver.complete(login.scene, browser: provider.browser))["code"])
            #expect(try await provider.token(rp, code: code).status == 200)
        }
    }

    @Test("the simulator with the account's server URL and token delivers the signed push itself")
    func simulatorDelivers() async throws {
        var options = FollowLoginDriver.options
        options.simulatorDeliversPushes = true
        try await TestProvider.run(options) { provider in
            let driver = FollowLoginDriver(provider: provider)
            let rp = try await provider.registerClient()
            let login = try driver.loginPage(try await provider.browser.get(provider.authorizeURL(rp)))
            let body = #"{"ticket":"\#(login.ticket)","user":"alice"}"#
            let answer = try await provider.browser.get(provider.simulatorBase + "/_simulator/scan", method: .POST, rawBody: body)
            #expect(answer.status == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
            #expect(json["delivered"] as? Bool == true)
            #expect(json["status"] as? Int == 200)
            #expect(json["reply"] as? String == "success")
            #expect(try await driver.status(login.scene, browser: provider.browser) == (200, "scanned"))
            #expect(try redirectQuery(try await driver.complete(login.scene, browser: provider.browser))["code"] != nil)
        }
    }

    @Test("inside WeChat the in-WeChat door is still used")
    func insideWeChat() async throws {
        try await TestProvider.run(FollowLoginDriver.options) { provider in
            let rp = try await provider.registerClient()
            let claims = try await InWeChatDoorTests.signInInsideWeChat(provider, rp, browser: InWeChatDoorTests.weChatBrowser(provider))
            #expect(claims["amr"] as? [String] == ["wechat_oa"])
        }
    }
}

/// `login.page: follow` at start-up.
@Suite("login.page: follow settings")
struct FollowLoginSettingsTests {
    @Test("follow needs an Official Account with a server token; the error names login.page")
    func needsToken() async throws {
        let base = [
            "WECHAT_OIDC_ISSUER": "https://id.example.com",
            "WECHAT_OIDC_WEBSITE_APPID": "wx1234567890abcdef", "WECHAT_OIDC_WEBSITE_SECRET": "secret",
            "WECHAT_OIDC_LOGIN_PAGE": "follow",
        ]
        do {
            _ = try await SettingsLoader.load(.init(environment: base))
            Issue.record("follow without an Official Account must not start")
        } catch let error as SettingsError {
            #expect(error.key == SettingsKey.loginPage)
        }
        var withToken = base
        withToken["WECHAT_OIDC_OFFICIAL_ACCOUNT_APPID"] = "wx2222222222222222"
        withToken["WECHAT_OIDC_OFFICIAL_ACCOUNT_SECRET"] = "o"
        await #expect(throws: SettingsError.self) { try await SettingsLoader.load(.init(environment: withToken)) }
        withToken["WECHAT_OIDC_OFFICIAL_ACCOUNT_TOKEN"] = "servertoken1"
        #expect(try await SettingsLoader.load(.init(environment: withToken)).loginPage == .follow)
    }
}
