import Foundation
import Testing
import OIDC
@testable import Server
import WeChatSimulator

/// WeChat errcodes (shared/WECHAT.md §4) become clean OAuth errors at the RP, after bounded
/// retries for -1; nothing hangs.
@Suite("WeChat failures end to end", .serialized)
struct WeChatFailureTests {
    /// Logs in with `fault` injected and returns the RP redirect's `error`.
    func rpError(_ fault: SimulatorFault, options: TestProvider.Options = .init()) async throws -> [String: String] {
        let box = ResultBox()
        try await TestProvider.run(options) { p in
            let rp = try await p.registerClient()
            p.simulator.addFault(fault)
            await box.set(try await p.login(rp))
        }
        return await box.value
    }

    actor ResultBox {
        var value: [String: String] = [:]
        func set(_ v: [String: String]) { value = v }
    }

    @Test("40029 invalid code → access_denied, with state and iss")
    func invalidCode() async throws {
        let q = try await rpError(SimulatorFault(endpoint: .accessToken, kind: .errcode(40029), count: 1))
        #expect(q["error"] == "access_denied")
        #expect(q["state"] == "st-123")
        #expect(q["code"] == nil)
        #expect(q["iss"] != nil)
    }

    @Test("40163 code been used → access_denied")
    func codeUsed() async throws {
        #expect(try await rpError(SimulatorFault(endpoint: .accessToken, kind: .errcode(40163), count: 1))["error"] == "access_denied")
    }

    @Test("42003 code expired → access_denied")
    func codeExpired() async throws {
        #expect(try await rpError(SimulatorFault(endpoint: .accessToken, kind: .errcode(42003), count: 1))["error"] == "access_denied")
    }

    @Test("40013 invalid appid → server_error")
    func invalidAppID() async throws {
        #expect(try await rpError(SimulatorFault(endpoint: .accessToken, kind: .errcode(40013), count: 1))["error"] == "server_error")
    }

    @Test("40125 invalid appsecret (a misconfigured secret, no fault injected) → server_error")
    func invalidSecret() async throws {
        let box = ResultBox()
        try await TestProvider.run(.init(websiteSecretOverride: "0000000000000000000000000000dead")) { p in
            let rp = try await p.registerClient()
            await box.set(try await p.login(rp))
        }
        #expect(await box.value["error"] == "server_error")
    }

    @Test("40014 invalid access_token at userinfo → access_denied")
    func invalidAccessToken() async throws {
        #expect(try await rpError(SimulatorFault(endpoint: .userInfo, kind: .errcode(40014), count: 1))["error"] == "access_denied")
    }

    @Test("42001 access_token expired at userinfo → access_denied")
    func accessTokenExpired() async throws {
        #expect(try await rpError(SimulatorFault(endpoint: .userInfo, kind: .errcode(42001), count: 1))["error"] == "access_denied")
    }

    @Test("-1 once is retried and the login succeeds")
    func busyOnce() async throws {
        let q = try await rpError(SimulatorFault(endpoint: .accessToken, kind: .errcode(-1), count: 1))
        #expect(q["code"] != nil)
        #expect(q["error"] == nil)
    }

    @Test("-1 every time → temporarily_unavailable after bounded retries")
    func busyAlways() async throws {
        let start = ContinuousClock.now
        #expect(try await rpError(SimulatorFault(endpoint: .accessToken, kind: .errcode(-1)))["error"] == "temporarily_unavailable")
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test("a malformed or empty WeChat body → server_error, no crash")
    func malformed() async throws {
        #expect(try await rpError(SimulatorFault(endpoint: .accessToken, kind: .malformedBody, count: 1))["error"] == "server_error")
        #expect(try await rpError(SimulatorFault(endpoint: .userInfo, kind: .emptyBody, count: 1))["error"] == "server_error")
    }

    @Test("a WeChat snapshot-page user is never linked: a page asks to open the page fully, nothing reaches the RP (WECHAT.md §3)")
    func snapshot() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            p.simulator.addFault(SimulatorFault(endpoint: .accessToken, kind: .snapshotUser, count: 1))
            guard case .stopped(let page) = try await p.browser.follow(p.authorizeURL(rp), stopAt: rp.redirectURI) else {
                throw TestFailure("the snapshot user reached the relying party")
            }
            #expect(page.status == 200)
            #expect(page.body.contains(#"<h1 id="snapshot-title">Open the full page to sign in</h1>"#))
        }
    }

    @Test("without an Open Platform ID the user is keyed by appid + openid and has no unionid claim")
    func noOpenPlatform() async throws {
        try await TestProvider.run(.init(openPlatformID: .some(nil))) { p in
            let rp = try await p.registerClient()
            let code = try #require(try await p.login(rp)["code"])
            let token = try await p.token(rp, code: code)
            let info = try await p.userinfo(try #require(token.json["access_token"] as? String))
            #expect(info.json["wechat_unionid"] == nil)
            #expect(info.json["wechat_openid"] != nil)
        }
    }

    @Test("identity.require_unionid: a login that brings no unionid creates no account → access_denied")
    func requireUnionID() async throws {
        try await TestProvider.run(.init(openPlatformID: .some(nil), adjustSettings: { $0.requireUnionID = true })) { p in
            let rp = try await p.registerClient()
            let query = try await p.login(rp)
            #expect(query["error"] == "access_denied")
            #expect(query["error_description"] == "this WeChat account cannot be used here: WeChat did not name it across apps (no unionid)")
            let app = p.simulatorConfiguration.apps[0]
            let openID = try #require(p.simulator.openID(userID: "alice", appID: app.appID))
            #expect(try await p.stores.users.user(identifiedBy: [.openID(openID, appID: app.appID)]) == nil)
        }
    }

    @Test("no website app configured: a browser gets a page, not a broken WeChat redirect")
    func noBrowserDoor() async throws {
        try await TestProvider.run(.init(doors: [.mobile, .miniProgram])) { p in
            let rp = try await p.registerClient()
            let page = try await p.authorizeOnce(rp, [])
            #expect(page.status == 400)
            #expect(page.body.contains(#"<h1 id="error-title">Browser sign-in is not available</h1>"#))
        }
    }
}
