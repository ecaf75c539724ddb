import Foundation
import Testing
import WeChatSimulator
@testable import Server

/// One person behind every WeChat door (issue 4): identities keyed by (Open Platform ID,
/// unionid) and (appid, openid), openid-only accounts merged once a unionid names them.
@Suite("One person behind every door")
struct OnePersonTests {
    @Test("the same simulated person gets the same sub through QR, in-WeChat, app and mini-program doors")
    func sameSubEverywhere() async throws {
        try await TestProvider.run(.init(autoApproveUser: "xiaoming")) { provider in
            let rp = try await provider.registerClient()
            let qr = try await provider.signIn(rp)
            let sub = try #require(qr.idToken["sub"] as? String)
            let inside = try await InWeChatDoorTests.signInInsideWeChat(provider, rp, browser: InWeChatDoorTests.weChatBrowser(provider))
            let app = try await TokenExchangeTests.exchange(
                provider, rp, code: try TokenExchangeTests.code(provider, .mobile, user: "xiaoming"), type: TokenExchangeTests.appCode)
            let mini = try await TokenExchangeTests.exchange(
                provider, rp, code: try TokenExchangeTests.code(provider, .miniProgram, user: "xiaoming"), type: TokenExchangeTests.miniProgramCode)
            let appToken = try await provider.verifyIDToken(try #require(app.json["id_token"] as? String)).raw
            let miniToken = try await provider.verifyIDToken(try #require(mini.json["id_token"] as? String)).raw
            #expect(inside["sub"] as? String == sub)
            #expect(appToken["sub"] as? String == sub)
            #expect(miniToken["sub"] as? String == sub)
            #expect([qr.idToken["amr"], inside["amr"], appToken["amr"], miniToken["amr"]].map { ($0 as? [String])?.first } ==
                ["wechat_qr", "wechat_oa", "wechat_app", "wechat_miniprogram"])
            // One unionid and four openids, one per app.
            let identities = try await provider.stores.users.identities(ofUser: sub)
            let unionID = try #require(provider.simulator.unionID(userID: "xiaoming", appID: provider.simulatorConfiguration.apps[0].appID))
            #expect(identities.filter { $0.kind == .unionID } == [.unionID(unionID, openPlatformID: "gh_simulator0001")])
            #expect(Set(identities.filter { $0.kind == .openID }.map(\.namespace)) == Set(provider.simulatorConfiguration.apps.map(\.appID)))
        }
    }

    @Test("an openid-only account (snsapi_base) is merged into the person once a unionid login brings its openid; audit row; its tokens stop")
    func merge() async throws {
        try await TestProvider.run(.init(autoApproveUser: "xiaoming")) { provider in
            let rp = try await provider.registerClient()
            let oa = try #require(provider.simulatorConfiguration.app(kind: .officialAccount))
            // 1. Inside WeChat, scope openid: snsapi_base, no unionid → an openid-only account.
            let weChat = InWeChatDoorTests.weChatBrowser(provider)
            let location = try await weChat.follow(provider.authorizeURL(rp, scope: "openid"), stopAt: rp.redirectURI).get()
            let baseToken = try await provider.token(rp, code: try #require(queryItems(location)["code"]))
            let baseIDToken = try #require(baseToken.json["id_token"] as? String)
            let stray = try #require(try await provider.verifyIDToken(baseIDToken).raw["sub"] as? String)
            #expect(try await provider.stores.users.identities(ofUser: stray).map(\.kind) == [.openID])
            // 2. The QR door: unionid + website openid, a person of its own so far.
            let qr = try await provider.signIn(rp)
            let person = try #require(qr.idToken["sub"] as? String)
            #expect(person != stray)
            // 3. Inside WeChat with snsapi_userinfo: the unionid names the person, the OA openid the stray.
            let inside = try await InWeChatDoorTests.signInInsideWeChat(provider, rp, browser: InWeChatDoorTests.weChatBrowser(provider))
            #expect(inside["sub"] as? String == person)
            let openID = try #require(provider.simulator.openID(userID: "xiaoming", appID: oa.appID))
            #expect(try await provider.stores.users.user(identifiedBy: [.openID(openID, appID: oa.appID)])?.id == person)
            #expect(try await provider.stores.users.find(id: stray) == nil)
            let merges = try await provider.stores.users.merges(involving: person)
            #expect(merges.map(\.fromUserID) == [stray])
            #expect(merges.first?.key == .openID(openID, appID: oa.appID))
            #expect(merges.first?.reason == "login")
            // The stray's access token no longer answers.
            let strayAccess = try #require(baseToken.json["access_token"] as? String)
            let stale = try await provider.userinfo(strayAccess)
            #expect(stale.status == 401)
            let introspected = try await provider.postWithBasic(rp, path: "/introspect", form: [("token", strayAccess)])
            #expect(introspected.json["active"] as? Bool == false)
            // The person's sub is unchanged afterwards, through every door.
            #expect(try await provider.signIn(rp).idToken["sub"] as? String == person)
        }
    }
}
