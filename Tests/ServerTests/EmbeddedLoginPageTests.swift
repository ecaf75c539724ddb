import Crypto
import Foundation
import Testing
import OIDC
@testable import Server

@Suite("Our login page (login.page: embedded): the client, WeChat's embedded QR, Chinese and English", .serialized)
struct EmbeddedLoginPageTests {
    static var embedded: TestProvider.Options {
        var options = TestProvider.Options()
        options.adjustSettings = { $0.loginPage = .embedded }
        return options
    }

    static func attribute(_ name: String, ofElementWithID id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        let tagStart = html[..<start.lowerBound].lastIndex(of: "<") ?? start.lowerBound
        let tagEnd = html[start.upperBound...].firstIndex(of: ">") ?? html.endIndex
        let tag = html[tagStart..<tagEnd]
        guard let value = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[value.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test("the page names the client with its logo, privacy policy and terms, and embeds qrconnect as wxLogin.js does")
    func pageContent() async throws {
        try await TestProvider.run(Self.embedded) { p in
            let rp = try await p.registerClient()
            try await p.updateClient(rp) {
                $0.logoURI = "https://rp.example/logo.png"
                $0.policyURI = "https://rp.example/privacy"
                $0.tosURI = "https://rp.example/terms"
            }
            let page = try await p.browser.get(p.authorizeURL(rp, [("ui_locales", "en")]))
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.header("Content-Language") == "en")
            #expect(page.header("Set-Cookie")?.contains("wechat-oidc-browser=") == true)
            #expect(page.body.contains(#"<html lang="en">"#))
            #expect(page.body.contains("to continue to test rp"))
            #expect(Self.attribute("src", ofElementWithID: "client-logo", in: page.body) == "https://rp.example/logo.png")
            #expect(Self.attribute("alt", ofElementWithID: "client-logo", in: page.body) == "test rp")
            #expect(Self.attribute("href", ofElementWithID: "client-policy", in: page.body) == "https://rp.example/privacy")
            #expect(Self.attribute("href", ofElementWithID: "client-tos", in: page.body) == "https://rp.example/terms")

            // shared/WECHAT.md §2: the same qrconnect URL, parameters in WeChat's order, then
            // lang and the embedded-QR parameters; no fragment inside an iframe.
            let qr = try #require(Self.attribute("src", ofElementWithID: "wechat-qr", in: page.body))
            let callback = FormEncoding.encode(p.issuer + "/callback/wechat")
            let prefix = p.simulatorBase + "/connect/qrconnect?appid=\(p.simulatorConfiguration.apps[0].appID)&redirect_uri=\(callback)&response_type=code&scope=snsapi_login&state="
            #expect(qr.hasPrefix(prefix))
            #expect(qr.hasSuffix("&lang=en&login_type=jssdk&self_redirect=false&style=black"))
            #expect(!qr.contains("#"))
            #expect(Self.attribute("title", ofElementWithID: "wechat-qr", in: page.body) == "WeChat login QR code")

            // The page may frame WeChat only, and run its one script only.
            let csp = try #require(page.header("Content-Security-Policy"))
            #expect(csp.contains("frame-src \(p.issuer)"))
            #expect(csp.contains("script-src '\(EmbeddedLoginPage.scriptHash)'"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(page.body.contains("<script>\(EmbeddedLoginPage.script)</script>"))
            let hash = "sha256-" + Data(SHA256.hash(data: Data(EmbeddedLoginPage.script.utf8))).base64EncodedString()
            #expect(hash == EmbeddedLoginPage.scriptHash)
            // When the QR expires the page offers the same request again.
            let refresh = try #require(Self.attribute("href", ofElementWithID: "refresh", in: page.body))
            #expect(refresh.hasPrefix(p.issuer + "/authorize?"))
            #expect(queryItems(refresh)["client_id"] == rp.clientID)
            #expect(queryItems(refresh)["ui_locales"] == "en")
            #expect(Self.attribute("data-expires-in", ofElementWithID: "login", in: page.body) == String(p.settings.pendingAuthorizationLifetime))
            // Without a logo or links registered, none is shown.
            let plain = try await p.registerClient()
            let bare = try await p.browser.get(p.authorizeURL(plain))
            #expect(!bare.body.contains("client-logo"))
            #expect(!bare.body.contains("client-policy"))
        }
    }

    @Test("Chinese by default and for zh in Accept-Language; ui_locales (OIDC Core §3.1.2.1) wins over Accept-Language")
    func languages() async throws {
        try await TestProvider.run(Self.embedded) { p in
            let rp = try await p.registerClient()
            let byDefault = try await p.browser.get(p.authorizeURL(rp))
            #expect(byDefault.header("Content-Language") == "zh-CN")
            #expect(byDefault.body.contains("使用微信登录"))
            #expect(byDefault.body.contains("继续前往 test rp"))
            #expect(Self.attribute("src", ofElementWithID: "wechat-qr", in: byDefault.body)?.contains("&lang=cn&") == true)
            let english = try await p.browser.get(p.authorizeURL(rp), headers: [("Accept-Language", "fr;q=1, en-GB;q=0.8, zh;q=0.5")])
            #expect(english.header("Content-Language") == "en")
            let uiWins = try await p.browser.get(p.authorizeURL(rp, [("ui_locales", "zh-TW en")]), headers: [("Accept-Language", "en")])
            #expect(uiWins.header("Content-Language") == "zh-CN")
            // The other-language link starts the same request with that language.
            let switchURL = try #require(Self.attribute("href", ofElementWithID: "other-language", in: uiWins.body))
            #expect(queryItems(switchURL)["ui_locales"] == "en")
        }
    }

    @Test("a whole login through the embedded QR: WeChat sends the top window to our callback, then the RP gets its code")
    func loginThroughTheIframe() async throws {
        try await TestProvider.run(Self.embedded) { p in
            let rp = try await p.registerClient()
            let page = try await p.browser.get(p.authorizeURL(rp))
            let qr = try #require(Self.attribute("src", ofElementWithID: "wechat-qr", in: page.body))
            // The simulator (auto-approving) answers inside the iframe with a page that sends
            // the top window on, as WeChat does with self_redirect=false.
            let frame = try await p.browser.get(qr)
            #expect(frame.status == 200)
            #expect(frame.body.contains("window.top.location.replace("))
            let callback = try #require(Self.attribute("href", ofElementWithID: "continue", in: frame.body))
            #expect(callback.hasPrefix(p.issuer + "/callback/wechat?code="))
            let outcome = try await p.browser.follow(callback, stopAt: rp.redirectURI).get()
            let query = queryItems(outcome)
            #expect(query["state"] == "st-123")
            let code = try #require(query["code"])
            let token = try await p.token(rp, code: code)
            #expect(token.status == 200)
        }
    }

    @Test("the default login.page redirect still sends the browser straight to WeChat")
    func redirectModeUnchanged() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let page = try await p.browser.get(p.authorizeURL(rp))
            #expect(page.status == 303)
            #expect(page.header("Location")?.hasSuffix("#wechat_redirect") == true)
        }
    }
}

@Suite("Login page language choice")
struct LoginPageLanguageTests {
    @Test("ui_locales in order, then Accept-Language by weight, else Chinese")
    func choose() {
        #expect(LoginPageLanguage.choose(uiLocales: nil, acceptLanguage: nil) == .zh)
        #expect(LoginPageLanguage.choose(uiLocales: "fr-CA en-US", acceptLanguage: "zh") == .en)
        #expect(LoginPageLanguage.choose(uiLocales: "de", acceptLanguage: "en-US,en;q=0.9") == .en)
        #expect(LoginPageLanguage.choose(uiLocales: nil, acceptLanguage: "en;q=0.2, zh-CN;q=0.9") == .zh)
        #expect(LoginPageLanguage.choose(uiLocales: nil, acceptLanguage: "en;q=0, zh;q=0") == .zh)
        #expect(LoginPageLanguage.choose(uiLocales: nil, acceptLanguage: "fr, en;q=0.5") == .en)
        #expect(LoginPageLanguage.choose(uiLocales: nil, acceptLanguage: ";;;,,q=,en") == .en)
        #expect(LoginPageLanguage.en.wechatLang == "en")
        #expect(LoginPageLanguage.zh.wechatLang == "cn")
    }

    @Test("login.page from the environment; anything else stops start-up naming the key")
    func setting() async throws {
        let base = [
            "WECHAT_OIDC_ISSUER": "https://id.example.com",
            "WECHAT_OIDC_WEBSITE_APPID": "wx1234567890abcdef",
            "WECHAT_OIDC_WEBSITE_SECRET": "secret",
        ]
        #expect(try await SettingsLoader.load(.init(environment: base)).loginPage == .redirect)
        var embedded = base
        embedded["WECHAT_OIDC_LOGIN_PAGE"] = "embedded"
        #expect(try await SettingsLoader.load(.init(environment: embedded)).loginPage == .embedded)
        var wrong = base
        wrong["WECHAT_OIDC_LOGIN_PAGE"] = "popup"
        await #expect(throws: SettingsError.self) { try await SettingsLoader.load(.init(environment: wrong)) }
    }
}
