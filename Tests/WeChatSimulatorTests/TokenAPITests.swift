import Foundation
import Testing
import WeChatSimulator

@Suite("refresh_token, auth, userinfo")
struct TokenAPITests {
    typealias Config = SimulatorConfiguration

    struct Tokens {
        var accessToken: String
        var refreshToken: String
        var openID: String
    }

    static func tokens(_ live: LiveSimulator, appID: String = Config.appA, secret: String = Config.secretA, userID: String = "alice") async throws -> Tokens {
        let code = try await live.loginCode(appID: appID, userID: userID)
        let body = try await live.exchange(code, appID: appID, secret: secret).json()
        return Tokens(
            accessToken: try #require(body["access_token"] as? String),
            refreshToken: try #require(body["refresh_token"] as? String),
            openID: try #require(body["openid"] as? String))
    }

    @Test("refresh returns a new access token and the same refresh token; the refresh token lives 30 days")
    func refresh() async throws {
        let clock = ManualSimulatorClock()
        try await LiveSimulator.run(clock: clock) { live in
            let tokens = try await Self.tokens(live)
            clock.advance(bySeconds: 8000)
            let reply = try await live.get("/sns/oauth2/refresh_token?appid=\(Config.appA)&grant_type=refresh_token&refresh_token=\(tokens.refreshToken)")
            #expect(reply.contentType == "text/plain")
            let body = try reply.json()
            let newAccessToken = try #require(body["access_token"] as? String)
            #expect(newAccessToken != tokens.accessToken)
            #expect(body["refresh_token"] as? String == tokens.refreshToken)
            #expect(body["openid"] as? String == tokens.openID)
            #expect(body["expires_in"] as? Int == 7200)
            #expect(body["scope"] as? String == "snsapi_login")
            #expect(body["unionid"] as? String == live.simulator.unionID(userID: "alice", appID: Config.appA))
            // The old access token expired (8000 s > 7200 s); the new one works.
            #expect(try await live.get("/sns/auth?access_token=\(tokens.accessToken)&openid=\(tokens.openID)").errcode() == 42001)
            #expect(try await live.get("/sns/auth?access_token=\(newAccessToken)&openid=\(tokens.openID)").errcode() == 0)

            clock.advance(bySeconds: 30 * 24 * 3600 - 8000)
            let expired = try await live.get("/sns/oauth2/refresh_token?appid=\(Config.appA)&grant_type=refresh_token&refresh_token=\(tokens.refreshToken)")
            #expect(try expired.errcode() == 42002)
        }
    }

    @Test("refresh errors")
    func refreshErrors() async throws {
        try await LiveSimulator.run { live in
            let tokens = try await Self.tokens(live)
            let rt = tokens.refreshToken
            let cases: [(String, Int)] = [
                ("grant_type=refresh_token&refresh_token=\(rt)", 41002),
                ("appid=\(Config.appA)&grant_type=refresh_token", 41003),
                ("appid=\(Config.appA)&grant_type=authorization_code&refresh_token=\(rt)", 40002),
                ("appid=wx0000000000000000&grant_type=refresh_token&refresh_token=\(rt)", 40013),
                ("appid=\(Config.appA)&grant_type=refresh_token&refresh_token=bogus", 40030),
                ("appid=\(Config.appUnbound)&grant_type=refresh_token&refresh_token=\(rt)", 40030),
            ]
            for (query, errcode) in cases {
                let reply = try await live.get("/sns/oauth2/refresh_token?\(query)")
                #expect(try reply.errcode() == errcode, "\(query)")
            }
        }
    }

    @Test("/sns/auth: ok, 40014, 42001 after 7200 s, 40003, 41001, 41009")
    func auth() async throws {
        let clock = ManualSimulatorClock()
        try await LiveSimulator.run(clock: clock) { live in
            let tokens = try await Self.tokens(live)
            let ok = try await live.get("/sns/auth?access_token=\(tokens.accessToken)&openid=\(tokens.openID)")
            #expect(ok.contentType == "text/plain")
            #expect(ok.body == #"{"errcode":0,"errmsg":"ok"}"#)
            #expect(try await live.get("/sns/auth?access_token=bogus&openid=\(tokens.openID)").errcode() == 40014)
            let otherOpenID = try #require(live.simulator.openID(userID: "bob", appID: Config.appA))
            #expect(try await live.get("/sns/auth?access_token=\(tokens.accessToken)&openid=\(otherOpenID)").errcode() == 40003)
            #expect(try await live.get("/sns/auth?openid=\(tokens.openID)").errcode() == 41001)
            #expect(try await live.get("/sns/auth?access_token=\(tokens.accessToken)").errcode() == 41009)
            clock.advance(bySeconds: 7199)
            #expect(try await live.get("/sns/auth?access_token=\(tokens.accessToken)&openid=\(tokens.openID)").errcode() == 0)
            clock.advance(bySeconds: 1)
            #expect(try await live.get("/sns/auth?access_token=\(tokens.accessToken)&openid=\(tokens.openID)").errcode() == 42001)
        }
    }

    @Test("/sns/userinfo answers like post-2021 WeChat")
    func userInfo() async throws {
        try await LiveSimulator.run { live in
            let tokens = try await Self.tokens(live, userID: "bob")
            let reply = try await live.get("/sns/userinfo?access_token=\(tokens.accessToken)&openid=\(tokens.openID)&lang=zh_CN")
            #expect(reply.contentType == "text/plain")
            let body = try reply.json()
            #expect(Set(body.keys) == ["openid", "nickname", "sex", "province", "city", "country", "headimgurl", "privilege", "unionid"])
            #expect(body["openid"] as? String == tokens.openID)
            #expect(body["nickname"] as? String == "小明🐼")
            #expect(body["sex"] as? Int == 0)
            #expect(body["province"] as? String == "")
            #expect(body["city"] as? String == "")
            #expect(body["country"] as? String == "")
            #expect(body["headimgurl"] as? String == "")
            #expect((body["privilege"] as? [Any])?.isEmpty == true)
            #expect(body["unionid"] as? String == live.simulator.unionID(userID: "bob", appID: Config.appA))
            #expect(reply.body.contains("小明🐼"))
        }
    }

    @Test("/sns/userinfo errors and unbound apps")
    func userInfoErrors() async throws {
        let clock = ManualSimulatorClock()
        try await LiveSimulator.run(clock: clock) { live in
            let tokens = try await Self.tokens(live, appID: Config.appUnbound, secret: "secretC")
            let body = try await live.get("/sns/userinfo?access_token=\(tokens.accessToken)&openid=\(tokens.openID)").json()
            #expect(body["unionid"] == nil)
            #expect(body["headimgurl"] as? String == "https://thirdwx.qlogo.cn/alice/132")
            #expect(try await live.get("/sns/userinfo?access_token=bogus&openid=\(tokens.openID)").errcode() == 40014)
            #expect(try await live.get("/sns/userinfo?access_token=\(tokens.accessToken)&openid=oXXXX").errcode() == 40003)
            #expect(try await live.get("/sns/userinfo?openid=\(tokens.openID)").errcode() == 41001)
            #expect(try await live.get("/sns/userinfo?access_token=\(tokens.accessToken)").errcode() == 41009)
            clock.advance(bySeconds: 7200)
            #expect(try await live.get("/sns/userinfo?access_token=\(tokens.accessToken)&openid=\(tokens.openID)").errcode() == 42001)
        }
    }
}
