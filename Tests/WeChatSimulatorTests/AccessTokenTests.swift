import Foundation
import Testing
import WeChatSimulator

@Suite("/sns/oauth2/access_token")
struct AccessTokenTests {
    typealias Config = SimulatorConfiguration

    @Test("a code exchanges once for WeChat-shaped tokens, as text/plain")
    func success() async throws {
        try await LiveSimulator.run { live in
            let code = try await live.loginCode()
            let reply = try await live.exchange(code)
            #expect(reply.status == 200)
            #expect(reply.contentType == "text/plain")
            let body = try reply.json()
            #expect(Set(body.keys) == ["access_token", "expires_in", "refresh_token", "openid", "scope", "unionid"])
            #expect(body["expires_in"] as? Int == 7200)
            #expect(body["scope"] as? String == "snsapi_login")
            #expect(body["openid"] as? String == live.simulator.openID(userID: "alice", appID: Config.appA))
            #expect(body["unionid"] as? String == live.simulator.unionID(userID: "alice", appID: Config.appA))
            #expect((body["access_token"] as? String)?.isEmpty == false)
            #expect(body["access_token"] as? String != body["refresh_token"] as? String)

            let replay = try await live.exchange(code)
            #expect(try replay.errcode() == 40163)
        }
    }

    @Test("form POST is accepted too")
    func post() async throws {
        try await LiveSimulator.run { live in
            let code = try await live.loginCode()
            let reply = try await live.post(
                "/sns/oauth2/access_token",
                form: "appid=\(Config.appA)&secret=\(Config.secretA)&code=\(code)&grant_type=authorization_code")
            #expect(try reply.json()["openid"] as? String == live.simulator.openID(userID: "alice", appID: Config.appA))
        }
    }

    @Test("errors carry errcode and an errmsg with a rid, as HTTP 200 text/plain", arguments: [
        ("secret=\(SimulatorConfiguration.secretA)&code=C&grant_type=authorization_code", 41002),
        ("appid=\(SimulatorConfiguration.appA)&code=C&grant_type=authorization_code", 41004),
        ("appid=\(SimulatorConfiguration.appA)&secret=\(SimulatorConfiguration.secretA)&grant_type=authorization_code", 41008),
        ("appid=wx0000000000000000&secret=\(SimulatorConfiguration.secretA)&code=C&grant_type=authorization_code", 40013),
        ("appid=\(SimulatorConfiguration.appA)&secret=wrong&code=C&grant_type=authorization_code", 40125),
        ("appid=\(SimulatorConfiguration.appA)&secret=\(SimulatorConfiguration.secretA)&code=C&grant_type=client_credential", 40002),
        ("appid=\(SimulatorConfiguration.appA)&secret=\(SimulatorConfiguration.secretA)&code=C", 40002),
        ("appid=\(SimulatorConfiguration.appA)&secret=\(SimulatorConfiguration.secretA)&code=unknown&grant_type=authorization_code", 40029),
    ])
    func errors(query: String, errcode: Int) async throws {
        try await LiveSimulator.run { live in
            let reply = try await live.get("/sns/oauth2/access_token?\(query)")
            #expect(reply.status == 200)
            #expect(reply.contentType == "text/plain")
            let body = try reply.json()
            #expect(body["errcode"] as? Int == errcode)
            let errmsg = try #require(body["errmsg"] as? String)
            #expect(LiveSimulator.capture(", rid: ([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})$", in: errmsg) != nil)
            #expect(body.count == 2)
        }
    }

    @Test("a code issued to another app is invalid (40029) and stays usable by its own app")
    func codeOfAnotherApp() async throws {
        try await LiveSimulator.run { live in
            let code = try await live.loginCode(appID: Config.appA)
            let other = try await live.exchange(code, appID: Config.appUnbound, secret: "secretC")
            #expect(try other.errcode() == 40029)
            let own = try await live.exchange(code)
            #expect(try own.errcode() == nil)
        }
    }

    @Test("a code lives 10 minutes (42003 after)")
    func codeExpiry() async throws {
        let clock = ManualSimulatorClock()
        try await LiveSimulator.run(clock: clock) { live in
            let fresh = try await live.loginCode()
            let stale = try await live.loginCode()
            clock.advance(bySeconds: 599)
            #expect(try await live.exchange(fresh).errcode() == nil)
            clock.advance(bySeconds: 1)
            #expect(try await live.exchange(stale).errcode() == 42003)
        }
    }

    @Test("bodies over 16 KiB are refused")
    func bodyLimit() async throws {
        try await LiveSimulator.run { live in
            let reply = try await live.post("/sns/oauth2/access_token", form: "appid=" + String(repeating: "a", count: 20_000))
            #expect(reply.status == 413)
        }
    }
}
