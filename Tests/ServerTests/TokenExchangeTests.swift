import Foundation
import Testing
import WeChatSimulator
@testable import Server

/// RFC 8693 token exchange of WeChat SDK codes (WECHAT.md §6) at the real `/token`.
@Suite("Token exchange: mobile-app and mini-program codes")
struct TokenExchangeTests {
    static let grantType = "urn:ietf:params:oauth:grant-type:token-exchange"
    static let appCode = "urn:wechat-oidc:params:oauth:token-type:wechat-app-code"
    static let miniProgramCode = "urn:wechat-oidc:params:oauth:token-type:wechat-miniprogram-code"

    static func code(_ provider: TestProvider, _ kind: SimulatedApp.Kind, user: String = "alice") throws -> String {
        let app = try #require(provider.simulatorConfiguration.app(kind: kind))
        return try provider.simulator.mintSDKCode(appID: app.appID, userID: user)
    }

    static func exchange(_ provider: TestProvider, _ rp: TestProvider.RP, code: String, type: String, extra: [(String, String)] = []) async throws -> (status: Int, json: [String: Any], body: String, page: TestBrowser.Page) {
        var headers: [(String, String)] = []
        var form = [("grant_type", grantType), ("subject_token", code), ("subject_token_type", type)] + extra
        if let secret = rp.secret {
            headers.append(("Authorization", "Basic " + Data("\(rp.clientID):\(secret)".utf8).base64EncodedString()))
        } else {
            form.append(("client_id", rp.clientID))
        }
        let page = try await provider.browser.get(provider.issuer + "/token", method: .POST, form: form, headers: headers)
        let json = (try? JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]) ?? [:]
        return (page.status, json, page.body, page)
    }

    @Test("discovery lists token exchange only when an SDK door is configured")
    func discovery() async throws {
        try await TestProvider.run { provider in
            let json = try JSONSerialization.jsonObject(with: Data(try await provider.browser.get(provider.issuer + "/.well-known/openid-configuration").body.utf8)) as? [String: Any]
            #expect(json?["grant_types_supported"] as? [String] == ["authorization_code", "refresh_token", Self.grantType])
        }
        try await TestProvider.run(.init(doors: [.website, .officialAccount])) { provider in
            let json = try JSONSerialization.jsonObject(with: Data(try await provider.browser.get(provider.issuer + "/.well-known/openid-configuration").body.utf8)) as? [String: Any]
            #expect(json?["grant_types_supported"] as? [String] == ["authorization_code", "refresh_token"])
            let rp = try await provider.registerClient()
            let reply = try await Self.exchange(provider, rp, code: "abc", type: Self.appCode)
            #expect(reply.status == 400)
            #expect(reply.json["error"] as? String == "unsupported_grant_type")
        }
    }

    @Test("a mobile-app code: our ID token for the calling client (amr wechat_app), an access token, issued_token_type, Bearer")
    func mobileApp() async throws {
        try await TestProvider.run { provider in
            let rp = try await provider.registerClient()
            let code = try Self.code(provider, .mobile)
            let reply = try await Self.exchange(provider, rp, code: code, type: Self.appCode, extra: [("scope", "openid profile")])
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.json["issued_token_type"] as? String == "urn:ietf:params:oauth:token-type:access_token")
            #expect(reply.json["token_type"] as? String == "Bearer")
            #expect(reply.json["scope"] as? String == "openid profile")
            #expect(reply.json["refresh_token"] == nil)
            #expect(reply.page.header("Cache-Control") == "no-store")
            let idToken = try await provider.verifyIDToken(try #require(reply.json["id_token"] as? String)).raw
            #expect(idToken["aud"] as? String == rp.clientID)
            #expect(idToken["iss"] as? String == provider.issuer)
            #expect(idToken["amr"] as? [String] == ["wechat_app"])
            #expect(idToken["nonce"] == nil)
            let access = try #require(reply.json["access_token"] as? String)
            let info = try await provider.userinfo(access)
            #expect(info.json["sub"] as? String == idToken["sub"] as? String)
            #expect(info.json["nickname"] as? String == "Alice")

            let replay = try await Self.exchange(provider, rp, code: code, type: Self.appCode)
            #expect(replay.status == 400)
            #expect(replay.json["error"] as? String == "invalid_grant")
        }
    }

    @Test("a mini-program code: jscode2session, amr wechat_miniprogram, no session_key anywhere; a used code is invalid_grant")
    func miniProgram() async throws {
        try await TestProvider.run { provider in
            let rp = try await provider.registerClient()
            let code = try Self.code(provider, .miniProgram)
            let reply = try await Self.exchange(provider, rp, code: code, type: Self.miniProgramCode)
            #expect(reply.status == 200, "\(reply.body)")
            #expect(!reply.body.contains("session_key"))
            let idToken = try await provider.verifyIDToken(try #require(reply.json["id_token"] as? String)).raw
            #expect(idToken["amr"] as? [String] == ["wechat_miniprogram"])
            #expect(reply.json["scope"] as? String == "openid")
            let again = try await Self.exchange(provider, rp, code: code, type: Self.miniProgramCode)
            #expect(again.status == 400)
            #expect(again.json["error"] as? String == "invalid_grant")
            #expect(again.json["error_description"] as? String == "WeChat refused the code (invalid, used or expired)")
            // A mobile code is not a mini-program code.
            let crossed = try await Self.exchange(provider, rp, code: try Self.code(provider, .mobile), type: Self.miniProgramCode)
            #expect(crossed.json["error"] as? String == "invalid_grant")
        }
    }

    @Test("errors: RFC 8693 §2.2.2 / RFC 6749 §5.2")
    func errors() async throws {
        try await TestProvider.run(.init(doors: [.website, .mobile])) { provider in
            let rp = try await provider.registerClient()
            let unknown = try await Self.exchange(provider, rp, code: "abc", type: "urn:ietf:params:oauth:token-type:jwt")
            #expect(unknown.status == 400)
            #expect(unknown.json["error"] as? String == "invalid_request")
            #expect(unknown.json["error_description"] as? String == "subject_token_type must be one of \(Self.appCode), \(Self.miniProgramCode)")
            let closed = try await Self.exchange(provider, rp, code: "abc", type: Self.miniProgramCode)
            #expect(closed.json["error"] as? String == "invalid_request")
            #expect(closed.json["error_description"] as? String == "this server does not accept \(Self.miniProgramCode) (that WeChat door is not configured)")
            let missing = try await Self.exchange(provider, rp, code: "", type: Self.appCode)
            #expect(missing.json["error_description"] as? String == "subject_token is missing")
            let wrongType = try await Self.exchange(provider, rp, code: "abc", type: Self.appCode, extra: [("requested_token_type", "urn:ietf:params:oauth:token-type:id_token")])
            #expect(wrongType.json["error"] as? String == "invalid_request")
            let badScope = try await Self.exchange(provider, rp, code: "abc", type: Self.appCode, extra: [("scope", "openid admin")])
            #expect(badScope.json["error"] as? String == "invalid_scope")
            let hostile = try await Self.exchange(provider, rp, code: String(repeating: "x", count: 600), type: Self.appCode)
            #expect(hostile.json["error"] as? String == "invalid_grant")
            let garbage = try await Self.exchange(provider, rp, code: "no such code", type: Self.appCode)
            #expect(garbage.json["error"] as? String == "invalid_grant")
            let invalid = try await Self.exchange(provider, rp, code: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", type: Self.appCode)
            #expect(invalid.json["error"] as? String == "invalid_grant")

            let publicClient = try await provider.registerClient(isPublic: true)
            let refused = try await Self.exchange(provider, publicClient, code: try Self.code(provider, .mobile), type: Self.appCode)
            #expect(refused.status == 400)
            #expect(refused.json["error"] as? String == "unauthorized_client")
        }
    }

    @Test("a blocked mini-program code (40226) is invalid_grant")
    func blocked() async throws {
        try await TestProvider.run { provider in
            let rp = try await provider.registerClient()
            provider.simulator.addFault(SimulatorFault(endpoint: .jsCode2Session, kind: .errcode(40226), count: 1))
            let reply = try await Self.exchange(provider, rp, code: try Self.code(provider, .miniProgram), type: Self.miniProgramCode)
            #expect(reply.json["error"] as? String == "invalid_grant")
            #expect(reply.json["error_description"] as? String == "WeChat blocked this code")
        }
    }
}
