import Foundation
import Testing
import WeChatSimulator

@Suite("oauth2/authorize: Official Account web authorization inside WeChat")
struct OfficialAccountTests {
    typealias Config = SimulatorConfiguration
    static let weChatUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"

    static func path(appID: String = Config.appOfficialAccountBound, scope: String = "snsapi_userinfo", state: String = "st1", extra: String = "") -> String {
        "/connect/oauth2/authorize?appid=\(appID)&redirect_uri=\(LiveSimulator.enc("https://rp.example.com/cb"))&response_type=code&scope=\(scope)&state=\(state)\(extra)"
    }

    @Test("outside WeChat the page only says to open the link in WeChat; the UA check is case-insensitive")
    func userAgent() async throws {
        try await LiveSimulator.run { live in
            let desktop = try await live.get(Self.path(), userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")
            #expect(desktop.status == 200)
            #expect(desktop.body.contains("请在微信客户端打开链接"))
            #expect(!desktop.body.contains("name=\"ticket\""))
            let lower = try await live.get(Self.path(), userAgent: "Mozilla/5.0 micromessenger/8.0")
            #expect(lower.body.contains("name=\"ticket\""))
        }
    }

    @Test("page errors: a website appid (10005), an unknown appid (10012), a foreign callback domain (10003), a bad scope (10005); reordered parameters give a blank page")
    func pageErrors() async throws {
        try await LiveSimulator.run { live in
            let website = try await live.get(Self.path(appID: Config.appA), userAgent: Self.weChatUA)
            #expect(website.body.contains(#"<span id="wechat-error-code">10005</span>"#))
            let unknown = try await live.get(Self.path(appID: "wx0000000000000000"), userAgent: Self.weChatUA)
            #expect(unknown.body.contains(#"<span id="wechat-error-code">10012</span>"#))
            let login = try await live.get(Self.path(scope: "snsapi_login"), userAgent: Self.weChatUA)
            #expect(login.body.contains(#"<span id="wechat-error-code">10005</span>"#))
            let foreign = try await live.get(
                "/connect/oauth2/authorize?appid=\(Config.appOfficialAccountBound)&redirect_uri=\(LiveSimulator.enc("https://evil.example/cb"))&response_type=code&scope=snsapi_base&state=s",
                userAgent: Self.weChatUA)
            #expect(foreign.body.contains(#"<span id="wechat-error-code">10003</span>"#))
            let reordered = try await live.get(
                "/connect/oauth2/authorize?redirect_uri=\(LiveSimulator.enc("https://rp.example.com/cb"))&appid=\(Config.appOfficialAccountBound)&response_type=code&scope=snsapi_base",
                userAgent: Self.weChatUA)
            #expect(reordered.status == 200)
            #expect(reordered.body.isEmpty)
        }
    }

    @Test("snsapi_userinfo: consent, then a token with the unionid and a working /sns/userinfo")
    func userInfoScope() async throws {
        try await LiveSimulator.run { live in
            let page = try await live.get(Self.path(), userAgent: Self.weChatUA)
            #expect(page.body.contains(#"<form method="post" action="authorize/confirm">"#))
            #expect(page.body.contains(#"name="snapshot" value="alice""#))
            let ticket = try #require(LiveSimulator.capture(#"name="ticket" value="([A-Za-z0-9]+)""#, in: page.body))
            let reply = try await live.post("/connect/oauth2/authorize/confirm", form: "ticket=\(ticket)&user=alice")
            let code = try #require(LiveSimulator.capture("^https://rp\\.example\\.com/cb\\?code=([A-Za-z0-9]{32})&state=st1$", in: reply.location ?? ""))
            let token = try await live.exchange(code, appID: Config.appOfficialAccountBound, secret: Config.secretOfficialAccountBound).json()
            #expect(token["scope"] as? String == "snsapi_userinfo")
            #expect(token["openid"] as? String == live.simulator.openID(userID: "alice", appID: Config.appOfficialAccountBound))
            #expect(token["unionid"] as? String == live.simulator.unionID(userID: "alice", appID: Config.appA))
            #expect(token["is_snapshotuser"] == nil)
            let info = try await live.get("/sns/userinfo?access_token=\(token["access_token"] as? String ?? "")&openid=\(token["openid"] as? String ?? "")").json()
            #expect(info["nickname"] as? String == "Alice")
        }
    }

    @Test("snsapi_base: the openid only (no unionid), and /sns/userinfo answers 48001")
    func baseScope() async throws {
        try await LiveSimulator.run { live in
            try live.simulator.setAutoApprove(userID: "alice")
            let reply = try await live.get(Self.path(scope: "snsapi_base"), userAgent: Self.weChatUA)
            #expect(reply.status == 302)
            let code = try #require(LiveSimulator.capture("code=([A-Za-z0-9]{32})&state=st1$", in: reply.location ?? ""))
            let token = try await live.exchange(code, appID: Config.appOfficialAccountBound, secret: Config.secretOfficialAccountBound).json()
            #expect(token["scope"] as? String == "snsapi_base")
            #expect(token["unionid"] == nil)
            let info = try await live.get("/sns/userinfo?access_token=\(token["access_token"] as? String ?? "")&openid=\(token["openid"] as? String ?? "")")
            #expect(try info.errcode() == 48001)
        }
    }

    @Test("the snapshot page's code exchanges to a virtual identity with is_snapshotuser: 1")
    func snapshot() async throws {
        try await LiveSimulator.run { live in
            let page = try await live.get(Self.path(), userAgent: Self.weChatUA)
            let ticket = try #require(LiveSimulator.capture(#"name="ticket" value="([A-Za-z0-9]+)""#, in: page.body))
            let reply = try await live.post("/connect/oauth2/authorize/confirm", form: "ticket=\(ticket)&snapshot=alice")
            let code = try #require(LiveSimulator.capture("code=([A-Za-z0-9]{32})", in: reply.location ?? ""))
            let token = try await live.exchange(code, appID: Config.appOfficialAccountBound, secret: Config.secretOfficialAccountBound).json()
            #expect(token["is_snapshotuser"] as? Int == 1)
            #expect(token["unionid"] == nil)
            #expect(token["openid"] as? String != live.simulator.openID(userID: "alice", appID: Config.appOfficialAccountBound))
        }
    }

    @Test("forcePopup=true shows the consent page even with an auto-approved user")
    func forcePopup() async throws {
        try await LiveSimulator.run { live in
            try live.simulator.setAutoApprove(userID: "alice")
            let page = try await live.get(Self.path(extra: "&forcePopup=true"), userAgent: Self.weChatUA)
            #expect(page.status == 200)
            #expect(page.body.contains("name=\"ticket\""))
        }
    }
}
