import Foundation
import Testing
import WeChat
import WeChatSimulator

/// The follow-to-log-in APIs (WECHAT.md §5) through `WeChatClient`, against the simulator over
/// a real socket.
@Suite("Follow the Official Account: global token, scene QR codes, user/info")
struct FollowQRClientTests {
    @Test("stable_token is stable until force_refresh; a scene QR code; a scan makes a follower whose user/info names the unionid and scene")
    func flow() async throws {
        try await SimulatorHarness.run { harness in
            let client = harness.client()
            let token = try await client.stableAccessToken(app: SimulatorHarness.officialAccount)
            #expect(token.expiresIn == 7200)
            #expect(!String(describing: token).contains(token.accessToken))
            #expect(try await client.stableAccessToken(app: SimulatorHarness.officialAccount) == token)
            let refreshed = try await client.stableAccessToken(app: SimulatorHarness.officialAccount, forceRefresh: true)
            #expect(refreshed.accessToken != token.accessToken)

            let qr = try await client.createSceneQRCode(accessToken: refreshed.accessToken, scene: "scene-ABC123")
            #expect(qr.expireSeconds == 600)
            #expect(qr.url == "http://weixin.qq.com/q/\(qr.ticket)")

            let before = try await client.subscriber(accessToken: refreshed.accessToken, openID: "nobody")
            #expect(before.subscribe == 0)
            let scan = try #require(harness.simulator.scan(ticket: qr.ticket, userID: "alice"))
            #expect(scan.event == "subscribe")
            let push = try #require(WeChatPushMessage(xml: scan.xml))
            #expect(push.scene == "scene-ABC123")
            #expect(push.fromUserName == scan.openID)
            #expect(harness.simulator.scan(ticket: qr.ticket, userID: "alice")?.event == "SCAN")

            let follower = try await client.subscriber(accessToken: refreshed.accessToken, openID: scan.openID)
            #expect(follower.subscribe == 1)
            #expect(follower.openID == scan.openID)
            #expect(follower.unionID == harness.simulator.unionID(userID: "alice", appID: SimulatorHarness.app.appID))
            #expect(follower.qrSceneString == "scene-ABC123")
        }
    }

    @Test("errors: a website appid (40013), a wrong secret (40125), an unknown global token (40001), an expired ticket")
    func errors() async throws {
        try await SimulatorHarness.run { harness in
            let client = harness.client()
            await #expect(throws: WeChatError.self) { _ = try await client.stableAccessToken(app: SimulatorHarness.app) }
            do throws(WeChatError) {
                _ = try await client.stableAccessToken(app: WeChatAppCredentials(kind: .officialAccount, appID: SimulatorHarness.officialAccount.appID, secret: "wrong"))
                Issue.record("a wrong secret was accepted")
            } catch {
                #expect(error.errcode == 40125)
                #expect(error.category == .configuration)
            }
            do throws(WeChatError) {
                _ = try await client.createSceneQRCode(accessToken: "forged", scene: "s")
                Issue.record("a forged token was accepted")
            } catch {
                #expect(error.errcode == 40001)
            }
            let token = try await client.stableAccessToken(app: SimulatorHarness.officialAccount)
            let qr = try await client.createSceneQRCode(accessToken: token.accessToken, scene: "s", expireSeconds: 60)
            try harness.simulator.advanceClock(bySeconds: 61)
            #expect(harness.simulator.scan(ticket: qr.ticket, userID: "alice") == nil)
        }
    }
}
