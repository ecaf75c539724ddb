import Foundation
import Testing
import WeChatSimulator
@testable import Server

/// The Official Account door (WECHAT.md §3) through the real server and the simulator over
/// real sockets.
@Suite("The in-WeChat door: Official Account web authorization")
struct InWeChatDoorTests {
    static func weChatBrowser(_ provider: TestProvider) -> TestBrowser {
        TestBrowser(http: provider.http, userAgent: TestBrowser.weChatUserAgent)
    }

    static func officialAccount(_ provider: TestProvider) throws -> SimulatedApp {
        try #require(provider.simulatorConfiguration.app(kind: .officialAccount))
    }

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }

    static func matches(_ pattern: String, _ text: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    /// The `/connect/oauth2/authorize` URL pattern for `scope`, in WeChat's parameter order.
    static func authorizePattern(_ provider: TestProvider, appID: String, scope: String) -> String {
        let callback = NSRegularExpression.escapedPattern(for: encoded(provider.issuer + "/callback/wechat"))
        return "^" + NSRegularExpression.escapedPattern(for: provider.simulatorBase) + "/connect/oauth2/authorize\\?appid=" + appID
            + "&redirect_uri=" + callback + "&response_type=code&scope=" + scope + "&state=[A-Za-z0-9]{32}#wechat_redirect$"
    }

    /// Logs in inside WeChat; returns the verified ID token's claims.
    static func signInInsideWeChat(_ provider: TestProvider, _ rp: TestProvider.RP, browser: TestBrowser, scope: String = "openid profile wechat") async throws -> [String: Any] {
        let location = try await browser.follow(provider.authorizeURL(rp, scope: scope), stopAt: rp.redirectURI).get()
        let code = try #require(queryItems(location)["code"], "no code in \(location)")
        let token = try await provider.token(rp, code: code)
        let idToken = try #require(token.json["id_token"] as? String, "token answered \(token.status): \(token.json)")
        return try await provider.verifyIDToken(idToken).raw
    }

    @Test("MicroMessenger in the User-Agent selects the Official Account: exact parameter order, snsapi_userinfo, #wechat_redirect")
    func redirectShape() async throws {
        try await TestProvider.run { provider in
            let rp = try await provider.registerClient()
            let oa = try Self.officialAccount(provider)
            let page = try await Self.weChatBrowser(provider).get(provider.authorizeURL(rp))
            #expect(page.status == 303)
            let location = try #require(page.header("Location"))
            #expect(Self.matches(Self.authorizePattern(provider, appID: oa.appID, scope: "snsapi_userinfo"), location), "\(location)")
            let lowercase = TestBrowser(http: provider.http, userAgent: "Mozilla/5.0 micromessenger/8.0 WindowsWechat")
            let desktopWeChat = try #require(try await lowercase.get(provider.authorizeURL(rp)).header("Location"))
            #expect(desktopWeChat.contains("/connect/oauth2/authorize?"))
        }
    }

    @Test("other browsers get the QR door; inside WeChat without an Official Account the QR door too")
    func fallback() async throws {
        try await TestProvider.run { provider in
            let rp = try await provider.registerClient()
            let desktop = try await provider.startLogin(rp)
            #expect(desktop.hasPrefix(provider.simulatorBase + "/connect/qrconnect?"))
        }
        try await TestProvider.run(.init(doors: [.website])) { provider in
            let rp = try await provider.registerClient()
            let location = try #require(try await Self.weChatBrowser(provider).get(provider.authorizeURL(rp)).header("Location"))
            #expect(location.hasPrefix(provider.simulatorBase + "/connect/qrconnect?"))
        }
    }

    @Test("only an Official Account configured: a desktop browser is told to open the page in WeChat")
    func onlyOfficialAccount() async throws {
        try await TestProvider.run(.init(doors: [.officialAccount])) { provider in
            let rp = try await provider.registerClient()
            let page = try await provider.browser.get(provider.authorizeURL(rp))
            #expect(page.status == 200)
            #expect(page.body.contains(#"<h1 id="error-title">Open this page in WeChat</h1>"#))
            let claims = try await Self.signInInsideWeChat(provider, rp, browser: Self.weChatBrowser(provider))
            #expect(claims["amr"] as? [String] == ["wechat_oa"])
        }
    }

    @Test("a login inside WeChat: amr wechat_oa, the profile, and the same sub as the QR door (one unionid)")
    func sameSubAsQR() async throws {
        try await TestProvider.run { provider in
            let rp = try await provider.registerClient()
            let qr = try await provider.signIn(rp)
            #expect(qr.idToken["amr"] as? [String] == ["wechat_qr"])
            let inside = try await Self.signInInsideWeChat(provider, rp, browser: Self.weChatBrowser(provider))
            #expect(inside["amr"] as? [String] == ["wechat_oa"])
            #expect(inside["sub"] as? String == qr.idToken["sub"] as? String)
            let sub = try #require(inside["sub"] as? String)
            let identities = try await provider.stores.users.identities(ofUser: sub)
            let oa = try Self.officialAccount(provider)
            #expect(identities.contains(.openID(try #require(provider.simulator.openID(userID: "alice", appID: oa.appID)), appID: oa.appID)))
        }
    }

    @Test("scope openid only: snsapi_base, signing in the person its openid names")
    func baseScope() async throws {
        try await TestProvider.run { provider in
            let rp = try await provider.registerClient()
            let oa = try Self.officialAccount(provider)
            let weChat = Self.weChatBrowser(provider)
            let full = try await Self.signInInsideWeChat(provider, rp, browser: weChat)
            let other = Self.weChatBrowser(provider)
            let page = try await other.get(provider.authorizeURL(rp, scope: "openid"))
            let location = try #require(page.header("Location"))
            #expect(Self.matches(Self.authorizePattern(provider, appID: oa.appID, scope: "snsapi_base"), location), "\(location)")
            let base = try await Self.signInInsideWeChat(provider, rp, browser: other, scope: "openid")
            #expect(base["sub"] as? String == full["sub"] as? String)
            #expect(base["amr"] as? [String] == ["wechat_oa"])
        }
    }

    @Test("identity.require_unionid: inside WeChat even scope openid asks for snsapi_userinfo")
    func requireUnionID() async throws {
        try await TestProvider.run(.init(adjustSettings: { $0.requireUnionID = true })) { provider in
            let rp = try await provider.registerClient()
            let oa = try Self.officialAccount(provider)
            let location = try #require(try await Self.weChatBrowser(provider).get(provider.authorizeURL(rp, scope: "openid")).header("Location"))
            #expect(Self.matches(Self.authorizePattern(provider, appID: oa.appID, scope: "snsapi_userinfo"), location), "\(location)")
        }
    }

    @Test("prompt=none inside WeChat: a silent snsapi_base login for a known person, login_required for an unknown one")
    func promptNone() async throws {
        try await TestProvider.run { provider in
            let rp = try await provider.registerClient()
            let oa = try Self.officialAccount(provider)
            _ = try await Self.signInInsideWeChat(provider, rp, browser: Self.weChatBrowser(provider))

            let fresh = Self.weChatBrowser(provider)
            let first = try #require(try await fresh.get(provider.authorizeURL(rp, [("prompt", "none")])).header("Location"))
            #expect(Self.matches(Self.authorizePattern(provider, appID: oa.appID, scope: "snsapi_base"), first), "\(first)")
            let known = try await fresh.follow(provider.authorizeURL(rp, [("prompt", "none")]), stopAt: rp.redirectURI).get()
            #expect(queryItems(known)["code"] != nil, "\(known)")

            try provider.simulator.setAutoApprove(userID: "xiaoming")
            let unknown = try await Self.weChatBrowser(provider).follow(provider.authorizeURL(rp, [("prompt", "none")]), stopAt: rp.redirectURI).get()
            #expect(queryItems(unknown)["error"] == "login_required")
            #expect(queryItems(unknown)["state"] == "st-123")
            let xiaoming = try #require(provider.simulator.openID(userID: "xiaoming", appID: oa.appID))
            #expect(try await provider.stores.users.user(identifiedBy: [.openID(xiaoming, appID: oa.appID)]) == nil)

            // Outside WeChat prompt=none still answers login_required at once.
            let desktop = try await provider.authorizeOnce(rp, [("prompt", "none")])
            #expect(try redirectQuery(desktop)["error"] == "login_required")
        }
    }

    @Test("a snapshot-page user gets a page asking to open the page fully; nobody is signed in or linked; the retry works")
    func snapshot() async throws {
        try await TestProvider.run(.init(autoApproveUser: "xiaoming")) { provider in
            let rp = try await provider.registerClient()
            let oa = try Self.officialAccount(provider)
            provider.simulator.addFault(SimulatorFault(endpoint: .accessToken, kind: .snapshotUser, count: 1))
            let weChat = Self.weChatBrowser(provider)
            let outcome = try await weChat.follow(provider.authorizeURL(rp), stopAt: rp.redirectURI)
            guard case .stopped(let page) = outcome else { throw TestFailure("expected the snapshot page, got \(outcome)") }
            #expect(page.status == 200)
            #expect(page.body.contains(#"<h1 id="snapshot-title">Open the full page to sign in</h1>"#))
            #expect(page.body.contains("使用完整服务"))
            #expect(page.header("Set-Cookie") == nil)
            let unionID = try #require(provider.simulator.unionID(userID: "xiaoming", appID: oa.appID))
            let openID = try #require(provider.simulator.openID(userID: "xiaoming", appID: oa.appID))
            #expect(try await provider.stores.users.user(identifiedBy: [.unionID(unionID, openPlatformID: "gh_simulator0001"), .openID(openID, appID: oa.appID)]) == nil)

            let retry = try #require(Self.capture(#"<a class="button" id="retry" href="([^"]+)""#, page.body)).replacingOccurrences(of: "&amp;", with: "&")
            #expect(Self.matches(Self.authorizePattern(provider, appID: oa.appID, scope: "snsapi_userinfo"), retry), "\(retry)")
            let location = try await weChat.follow(retry, stopAt: rp.redirectURI).get()
            let code = try #require(queryItems(location)["code"], "\(location)")
            #expect(try await provider.token(rp, code: code).status == 200)
            #expect(try await provider.stores.users.user(identifiedBy: [.openID(openID, appID: oa.appID)]) != nil)
        }
    }

    static func capture(_ pattern: String, _ text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}
