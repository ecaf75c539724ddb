import Foundation
import Testing
import WeChatSimulator

@Suite("qrconnect: the website-app browser door")
struct QRConnectTests {
    typealias Config = SimulatorConfiguration

    @Test("the QR page lists every test user, escaped, as UTF-8 HTML")
    func qrPage() async throws {
        try await LiveSimulator.run { live in
            let page = try await live.get(LiveSimulator.qrConnectPath(appID: Config.appA, redirectURI: "https://rp.example.com/cb"))
            #expect(page.status == 200)
            #expect(page.contentType == "text/html; charset=utf-8")
            #expect(page.body.contains(#"<meta charset="utf-8">"#))
            #expect(page.body.contains(#"<span class="nickname">Alice</span>"#))
            #expect(page.body.contains(#"<img class="avatar" src="https://thirdwx.qlogo.cn/alice/132""#))
            #expect(page.body.contains(#"<span class="nickname">小明🐼</span>"#))
            #expect(page.body.contains(#"<span class="avatar placeholder">小</span>"#))
            #expect(page.body.contains(#"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"#))
            #expect(!page.body.contains("<script>"))
            #expect(page.body.contains(#"src="https://x.test/a&quot;onerror=&quot;b""#))
            #expect(page.body.contains(#"<form method="post" action="qrconnect/confirm">"#))
            #expect(page.body.contains(#"name="user" value="alice""#))
            #expect(page.body.contains(#"name="cancel" value="1""#))
        }
    }

    @Test("embedded QR (login_type=jssdk): self_redirect=false makes Confirm and Cancel navigate the top window; self_redirect=true the iframe")
    func embeddedQR() async throws {
        try await LiveSimulator.run { live in
            let base = LiveSimulator.qrConnectPath(appID: Config.appA, redirectURI: "https://rp.example.com/cb")
            let top = try await live.get(base + "&login_type=jssdk&self_redirect=false&style=black")
            #expect(top.status == 200)
            #expect(top.body.contains(#"<form method="post" action="qrconnect/confirm" target="_top">"#))
            let inFrame = try await live.get(base + "&login_type=jssdk&self_redirect=true")
            #expect(inFrame.body.contains(#"<form method="post" action="qrconnect/confirm">"#))
            // Extra parameters must follow state: the order rule still holds.
            let misplaced = try await live.get("/connect/qrconnect?login_type=jssdk&appid=\(Config.appA)")
            #expect(misplaced.body.isEmpty)
        }
    }

    @Test("Confirm redirects to redirect_uri?code=CODE&state=STATE")
    func confirm() async throws {
        try await LiveSimulator.run { live in
            let location = try await live.loginLocation(appID: Config.appA, userID: "alice", redirectURI: "https://rp.example.com/cb", state: "s t&1")
            let code = try #require(LiveSimulator.capture("^https://rp\\.example\\.com/cb\\?code=([A-Za-z0-9]{32})&state=s%20t%261$", in: location))
            #expect(code.count == 32)
        }
    }

    @Test("an existing query is extended with &; no state means no state parameter")
    func redirectShapes() async throws {
        try await LiveSimulator.run { live in
            let withQuery = try await live.loginLocation(appID: Config.appA, userID: "alice", redirectURI: "https://rp.example.com/cb?x=1", state: "abc")
            #expect(LiveSimulator.capture("^(https://rp\\.example\\.com/cb\\?x=1&code=[A-Za-z0-9]{32}&state=abc)$", in: withQuery) == withQuery)
            let withoutState = try await live.loginLocation(appID: Config.appA, userID: "alice", redirectURI: "https://rp.example.com/cb", state: nil)
            #expect(LiveSimulator.capture("^(https://rp\\.example\\.com/cb\\?code=[A-Za-z0-9]{32})$", in: withoutState) == withoutState)
        }
    }

    @Test("Cancel redirects with state and no code")
    func cancel() async throws {
        try await LiveSimulator.run { live in
            let ticket = try await live.openQRPage(appID: Config.appA, redirectURI: "https://rp.example.com/cb", state: "abc")
            let reply = try await live.post("/connect/qrconnect/confirm", form: "ticket=\(ticket)&cancel=1")
            #expect(reply.status == 302)
            #expect(reply.location == "https://rp.example.com/cb?state=abc")
        }
    }

    @Test("a QR ticket works once, and expires after 5 minutes")
    func ticketSingleUseAndExpiry() async throws {
        let clock = ManualSimulatorClock()
        try await LiveSimulator.run(clock: clock) { live in
            let ticket = try await live.openQRPage(appID: Config.appA, redirectURI: "https://rp.example.com/cb")
            let first = try await live.post("/connect/qrconnect/confirm", form: "ticket=\(ticket)&user=alice")
            #expect(first.status == 302)
            let second = try await live.post("/connect/qrconnect/confirm", form: "ticket=\(ticket)&user=alice")
            #expect(second.status == 200)
            #expect(second.location == nil)
            #expect(second.body.contains("二维码已失效"))

            let stale = try await live.openQRPage(appID: Config.appA, redirectURI: "https://rp.example.com/cb")
            clock.advance(bySeconds: 300)
            let late = try await live.post("/connect/qrconnect/confirm", form: "ticket=\(stale)&user=alice")
            #expect(late.status == 200)
            #expect(late.location == nil)
            #expect(late.body.contains("二维码已失效"))
        }
    }

    @Test("reordered parameters give a blank page", arguments: [
        "/connect/qrconnect?redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&appid=wxaaaaaaaaaaaaaaaa&response_type=code&scope=snsapi_login&state=x",
        "/connect/qrconnect?appid=wxaaaaaaaaaaaaaaaa&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&scope=snsapi_login&response_type=code&state=x",
        "/connect/qrconnect?appid=wxaaaaaaaaaaaaaaaa&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&response_type=code&scope=snsapi_login&lang=en&state=x",
        "/connect/qrconnect?appid=wxaaaaaaaaaaaaaaaa&response_type=code&scope=snsapi_login&state=x",
    ])
    func blankPage(path: String) async throws {
        try await LiveSimulator.run { live in
            let page = try await live.get(path)
            #expect(page.status == 200)
            #expect(page.body == "")
            #expect(page.location == nil)
        }
    }

    @Test("lang and the wxLogin.js parameters may follow state")
    func trailingParameters() async throws {
        try await LiveSimulator.run { live in
            let path = LiveSimulator.qrConnectPath(appID: Config.appA, redirectURI: "https://rp.example.com/cb") + "&lang=en&login_type=jssdk&self_redirect=false"
            let page = try await live.get(path)
            #expect(page.body.contains(#"name="ticket""#))
        }
    }

    @Test("missing or unknown appid gives error page 10012")
    func appIDErrors() async throws {
        try await LiveSimulator.run { live in
            let missing = try await live.get("/connect/qrconnect?redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&response_type=code&scope=snsapi_login&state=x")
            #expect(missing.status == 200)
            #expect(missing.body.contains(#"<span id="wechat-error-code">10012</span>"#))
            let unknown = try await live.get(LiveSimulator.qrConnectPath(appID: "wx0000000000000000", redirectURI: "https://rp.example.com/cb"))
            #expect(unknown.body.contains(#"<span id="wechat-error-code">10012</span>"#))
            #expect(unknown.body.contains("appid 参数错误"))
            #expect(unknown.location == nil)
        }
    }

    @Test("a redirect_uri outside the callback domain gives error page 10003 and no redirect", arguments: [
        (SimulatorConfiguration.appA, "https://evil.example.com/cb"),
        (SimulatorConfiguration.appA, "https://sub.rp.example.com/cb"),
        (SimulatorConfiguration.appA, "https://rp.example.com.evil.com/cb"),
        (SimulatorConfiguration.appA, "https://rp.example.com@evil.com/cb"),
        (SimulatorConfiguration.appA, "https://rp.example.com/cb#/route"),
        (SimulatorConfiguration.appA, "javascript://rp.example.com/%0Aalert(1)"),
        (SimulatorConfiguration.appA, "/cb"),
        (SimulatorConfiguration.appB, "http://localhost:8081/cb"),
        (SimulatorConfiguration.appB, "http://localhost/cb"),
    ])
    func callbackDomainMismatch(appID: String, redirectURI: String) async throws {
        try await LiveSimulator.run { live in
            let page = try await live.get(LiveSimulator.qrConnectPath(appID: appID, redirectURI: redirectURI))
            #expect(page.status == 200)
            #expect(page.location == nil)
            #expect(page.body.contains("redirect_uri 参数错误"))
            #expect(page.body.contains(#"<span id="wechat-error-code">10003</span>"#))
        }
    }

    @Test("callback domain with a port accepts that port, case-insensitively")
    func callbackDomainWithPort() async throws {
        try await LiveSimulator.run { live in
            let location = try await live.loginLocation(appID: Config.appB, userID: "alice", redirectURI: "http://LOCALHOST:8080/auth/cb")
            #expect(location.hasPrefix("http://LOCALHOST:8080/auth/cb?code="))
        }
    }

    @Test("a scope other than snsapi_login, or a non-website app, gives error page 10005")
    func scopeErrors() async throws {
        try await LiveSimulator.run { live in
            let wrongScope = try await live.get(LiveSimulator.qrConnectPath(appID: Config.appA, redirectURI: "https://rp.example.com/cb", scope: "snsapi_userinfo"))
            #expect(wrongScope.body.contains(#"<span id="wechat-error-code">10005</span>"#))
            let officialAccount = try await live.get(LiveSimulator.qrConnectPath(appID: Config.appOfficialAccount, redirectURI: "https://rp.example.com/cb"))
            #expect(officialAccount.body.contains(#"<span id="wechat-error-code">10005</span>"#))
        }
    }

    @Test("auto-approve redirects at once, set from Swift or over HTTP")
    func autoApprove() async throws {
        try await LiveSimulator.run { live in
            try live.simulator.setAutoApprove(userID: "bob")
            let reply = try await live.get(LiveSimulator.qrConnectPath(appID: Config.appA, redirectURI: "https://rp.example.com/cb", state: "st"))
            #expect(reply.status == 302)
            let location = try #require(reply.location)
            let code = try #require(LiveSimulator.capture("^https://rp\\.example\\.com/cb\\?code=([A-Za-z0-9]{32})&state=st$", in: location))
            let token = try await live.exchange(code).json()
            #expect(token["openid"] as? String == live.simulator.openID(userID: "bob", appID: Config.appA))

            let off = try await live.post("/_simulator/auto-approve", form: #"{"user":null}"#, contentType: "application/json")
            #expect(off.status == 200)
            #expect(live.simulator.autoApproveUserID == nil)
            let page = try await live.get(LiveSimulator.qrConnectPath(appID: Config.appA, redirectURI: "https://rp.example.com/cb"))
            #expect(page.status == 200)

            let on = try await live.post("/_simulator/auto-approve", form: #"{"user":"alice"}"#, contentType: "application/json")
            #expect(on.status == 200)
            #expect(live.simulator.autoApproveUserID == "alice")
            let unknown = try await live.post("/_simulator/auto-approve", form: #"{"user":"nobody"}"#, contentType: "application/json")
            #expect(unknown.status == 400)
            #expect(live.simulator.autoApproveUserID == "alice")
            #expect(throws: SimulatorError.unknownUser) { try live.simulator.setAutoApprove(userID: "nobody") }
        }
    }

    @Test("auto-approve from the configuration")
    func autoApproveFromConfiguration() async throws {
        var configuration = SimulatorConfiguration.testing
        configuration.autoApproveUserID = "alice"
        try await LiveSimulator.run(configuration: configuration) { live in
            let reply = try await live.get(LiveSimulator.qrConnectPath(appID: Config.appA, redirectURI: "https://rp.example.com/cb"))
            #expect(reply.status == 302)
        }
    }
}
