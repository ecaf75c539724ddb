import Foundation
import Testing
import WeChat
@testable import Server

@Suite("Configuration: the four WeChat credential kinds, validated together")
struct DoorSettingsTests {
    let issuer = ["WECHAT_OIDC_ISSUER": "https://id.example.com"]
    let aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFA"

    func load(_ env: [String: String]) async throws -> ProviderSettings {
        try await SettingsLoader.load(.init(environment: issuer.merging(env) { $1 }))
    }

    func error(_ env: [String: String]) async -> SettingsError? {
        do {
            _ = try await load(env)
            return nil
        } catch let error as SettingsError {
            return error
        } catch {
            return nil
        }
    }

    @Test("every kind from its environment variables")
    func allKinds() async throws {
        let s = try await load([
            "WECHAT_OIDC_WEBSITE_APPID": "wx1111111111111111", "WECHAT_OIDC_WEBSITE_SECRET": "w",
            "WECHAT_OIDC_OFFICIAL_ACCOUNT_APPID": "wx2222222222222222", "WECHAT_OIDC_OFFICIAL_ACCOUNT_SECRET": "o",
            "WECHAT_OIDC_OFFICIAL_ACCOUNT_TOKEN": "servertoken1", "WECHAT_OIDC_OFFICIAL_ACCOUNT_AES_KEY": aesKey,
            "WECHAT_OIDC_OFFICIAL_ACCOUNT_ORIGINAL_ID": "gh_0a1b2c3d4e5f",
            "WECHAT_OIDC_MOBILE_APPID": "wx3333333333333333", "WECHAT_OIDC_MOBILE_SECRET": "m",
            "WECHAT_OIDC_MINIPROGRAM_APPID": "wx4444444444444444", "WECHAT_OIDC_MINIPROGRAM_SECRET": "p",
            "WECHAT_OIDC_OPEN_PLATFORM_ID": "gh_open00000001", "WECHAT_OIDC_REQUIRE_UNIONID": "true",
        ])
        #expect(s.website == WeChatAppCredentials(kind: .website, appID: "wx1111111111111111", secret: "w"))
        #expect(s.officialAccount == OfficialAccountCredentials(
            app: WeChatAppCredentials(kind: .officialAccount, appID: "wx2222222222222222", secret: "o"),
            serverToken: "servertoken1", encodingAESKey: aesKey, originalID: "gh_0a1b2c3d4e5f"
        ))
        #expect(s.mobile == WeChatAppCredentials(kind: .mobile, appID: "wx3333333333333333", secret: "m"))
        #expect(s.miniProgram == WeChatAppCredentials(kind: .miniProgram, appID: "wx4444444444444444", secret: "p"))
        #expect(s.requireUnionID)
        #expect(!String(describing: s.officialAccount).contains("servertoken1"))
        #expect(!String(describing: s.officialAccount).contains(aesKey))
    }

    @Test("a config file's sections; the website app is optional")
    func file() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wo-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        issuer: https://file.example.com
        open_platform_id: gh_open00000001
        official_account: { appid: wx2222222222222222, secret: o, original_id: gh_0a1b2c3d4e5f }
        miniprogram: { appid: wx4444444444444444, secret: p }
        identity: { require_unionid: false }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let s = try await SettingsLoader.load(.init(configFile: path, environment: [:]))
        #expect(s.website == nil)
        #expect(s.mobile == nil)
        #expect(s.officialAccount?.app.appID == "wx2222222222222222")
        #expect(s.officialAccount?.originalID == "gh_0a1b2c3d4e5f")
        #expect(s.officialAccount?.serverToken == nil)
        #expect(s.miniProgram?.appID == "wx4444444444444444")
        #expect(!s.requireUnionID)
    }

    @Test("what is missing for which door, named by key")
    func combinations() async {
        let none = await error([:])
        #expect(none?.key == "website.appid")
        #expect(none?.message.hasPrefix("no WeChat door is configured") == true)

        let noSecret = await error(["WECHAT_OIDC_MOBILE_APPID": "wx3333333333333333"])
        #expect(noSecret?.key == "mobile.secret")
        #expect(noSecret?.message == "is required when mobile.appid is set (the mobile app door needs both)")
        #expect(noSecret?.description.contains("WECHAT_OIDC_MOBILE_SECRET") == true)

        let noAppID = await error(["WECHAT_OIDC_MINIPROGRAM_SECRET": "p"])
        #expect(noAppID?.key == "miniprogram.appid")
        #expect(noAppID?.message == "is required when miniprogram.secret is set (the mini program door needs both)")

        let oa = ["WECHAT_OIDC_OFFICIAL_ACCOUNT_APPID": "wx2222222222222222", "WECHAT_OIDC_OFFICIAL_ACCOUNT_SECRET": "o"]
        let shortKey = await error(oa.merging(["WECHAT_OIDC_OFFICIAL_ACCOUNT_TOKEN": "tok", "WECHAT_OIDC_OFFICIAL_ACCOUNT_AES_KEY": "short"]) { $1 })
        #expect(shortKey?.key == "official_account.aes_key")
        #expect(shortKey?.message.hasPrefix("must be 43 characters") == true)
        #expect(shortKey?.description.contains("short") == false)

        let notBase64 = await error(oa.merging(["WECHAT_OIDC_OFFICIAL_ACCOUNT_TOKEN": "tok", "WECHAT_OIDC_OFFICIAL_ACCOUNT_AES_KEY": String(repeating: "!", count: 43)]) { $1 })
        #expect(notBase64?.key == "official_account.aes_key")

        let keyWithoutToken = await error(oa.merging(["WECHAT_OIDC_OFFICIAL_ACCOUNT_AES_KEY": aesKey]) { $1 })
        #expect(keyWithoutToken?.key == "official_account.token")

        let orphanToken = await error(["WECHAT_OIDC_WEBSITE_APPID": "wx1111111111111111", "WECHAT_OIDC_WEBSITE_SECRET": "w",
                                       "WECHAT_OIDC_OFFICIAL_ACCOUNT_TOKEN": "tok"])
        #expect(orphanToken?.key == "official_account.appid")
        #expect(orphanToken?.message == "is required when official_account.token is set")

        let badOriginalID = await error(oa.merging(["WECHAT_OIDC_OFFICIAL_ACCOUNT_ORIGINAL_ID": "wx123"]) { $1 })
        #expect(badOriginalID?.key == "official_account.original_id")

        let sameAppID = await error(oa.merging(["WECHAT_OIDC_WEBSITE_APPID": "wx2222222222222222", "WECHAT_OIDC_WEBSITE_SECRET": "w"]) { $1 })
        #expect(sameAppID?.key == "official_account.appid")
        #expect(sameAppID?.message == "is the same appid as website.appid: each kind of WeChat app has its own appid")

        let badAppID = await error(["WECHAT_OIDC_MOBILE_APPID": "nope", "WECHAT_OIDC_MOBILE_SECRET": "m"])
        #expect(badAppID?.key == "mobile.appid")

        let unionWithoutPlatform = await error(oa.merging(["WECHAT_OIDC_REQUIRE_UNIONID": "yes"]) { $1 })
        #expect(unionWithoutPlatform?.key == "identity.require_unionid")

        let notBool = await error(oa.merging(["WECHAT_OIDC_IDENTITY_REQUIRE_UNIONID": "maybe", "WECHAT_OIDC_OPEN_PLATFORM_ID": "gh_open00000001"]) { $1 })
        #expect(notBool?.key == "identity.require_unionid")
    }
}
