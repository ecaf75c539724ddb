import Foundation
import Testing
import WeChatSimulator

@Suite("SDK codes: mobile-app OpenSDK codes and mini-program js_codes")
struct SDKCodeTests {
    static let mobile = "wx1111111111111111"
    static let mini = "wx2222222222222222"
    static let configuration = SimulatorConfiguration(
        apps: [
            SimulatedApp(appID: "wxaaaaaaaaaaaaaaaa", secret: "secretA", kind: .website, callbackDomain: "rp.example.com", openPlatformID: "gh_open0001"),
            SimulatedApp(appID: mobile, secret: "secretM", kind: .mobile, callbackDomain: "rp.example.com", openPlatformID: "gh_open0001"),
            SimulatedApp(appID: mini, secret: "secretP", kind: .miniProgram, callbackDomain: "rp.example.com", openPlatformID: "gh_open0001"),
        ],
        users: [SimulatedUser(id: "alice", nickname: "Alice")]
    )

    static func mint(_ live: LiveSimulator, appID: String, user: String = "alice") async throws -> LiveSimulator.Reply {
        try await live.post("/_simulator/sdk-code", form: #"{"appid":"\#(appID)","user":"\#(user)"}"#, contentType: "application/json")
    }

    @Test("a mini-program js_code: jscode2session answers openid, session_key and the unionid, once; not at access_token")
    func miniProgram() async throws {
        try await LiveSimulator.run(configuration: Self.configuration) { live in
            let code = try #require(try await Self.mint(live, appID: Self.mini).json()["code"] as? String)
            let session = try await live.get("/sns/jscode2session?appid=\(Self.mini)&secret=secretP&js_code=\(code)&grant_type=authorization_code").json()
            #expect(session["openid"] as? String == live.simulator.openID(userID: "alice", appID: Self.mini))
            #expect(session["unionid"] as? String == live.simulator.unionID(userID: "alice", appID: Self.mobile))
            #expect((session["session_key"] as? String)?.isEmpty == false)
            let again = try await live.get("/sns/jscode2session?appid=\(Self.mini)&secret=secretP&js_code=\(code)&grant_type=authorization_code")
            #expect(try again.errcode() == 40163)
            let other = try #require(try await Self.mint(live, appID: Self.mini).json()["code"] as? String)
            #expect(try await live.exchange(other, appID: Self.mini, secret: "secretP").errcode() == 40029)
            let wrongSecret = try await live.get("/sns/jscode2session?appid=\(Self.mini)&secret=nope&js_code=\(other)&grant_type=authorization_code")
            #expect(try wrongSecret.errcode() == 40125)
            let notMini = try await live.get("/sns/jscode2session?appid=\(Self.mobile)&secret=secretM&js_code=\(other)&grant_type=authorization_code")
            #expect(try notMini.errcode() == 40013)
        }
    }

    @Test("a js_code lives 5 minutes (40029 after)")
    func expiry() async throws {
        let clock = ManualSimulatorClock()
        try await LiveSimulator.run(configuration: Self.configuration, clock: clock) { live in
            let code = try #require(try await Self.mint(live, appID: Self.mini).json()["code"] as? String)
            clock.advance(bySeconds: 300)
            let reply = try await live.get("/sns/jscode2session?appid=\(Self.mini)&secret=secretP&js_code=\(code)&grant_type=authorization_code")
            #expect(try reply.errcode() == 40029)
        }
    }

    @Test("a mobile-app code exchanges at /sns/oauth2/access_token with scope snsapi_userinfo")
    func mobile() async throws {
        try await LiveSimulator.run(configuration: Self.configuration) { live in
            let code = try #require(try await Self.mint(live, appID: Self.mobile).json()["code"] as? String)
            let token = try await live.exchange(code, appID: Self.mobile, secret: "secretM").json()
            #expect(token["scope"] as? String == "snsapi_userinfo")
            #expect(token["openid"] as? String == live.simulator.openID(userID: "alice", appID: Self.mobile))
        }
    }

    @Test("sdk-code refuses browser apps, unknown apps and users")
    func refusals() async throws {
        try await LiveSimulator.run(configuration: Self.configuration) { live in
            let website = try await Self.mint(live, appID: "wxaaaaaaaaaaaaaaaa")
            #expect(website.status == 400)
            #expect(try website.json()["error"] as? String == "appid is not a mobile app or mini program")
            #expect(try await Self.mint(live, appID: "wx0000000000000000").status == 400)
            #expect(try await Self.mint(live, appID: Self.mini, user: "nobody").status == 400)
            #expect(try await live.post("/_simulator/sdk-code", form: "not json").status == 400)
        }
    }
}
