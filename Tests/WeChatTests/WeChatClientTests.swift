import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import Testing
import WeChatSimulator

@testable import WeChat

@Suite("WeChatClient against the simulator")
struct WeChatClientTests {
    typealias Harness = SimulatorHarness

    @Test("the qrconnect URL is exactly WeChat's, in WeChat's order")
    func qrConnectURL() {
        let client = WeChatClient(
            httpClient: HTTPClient.shared, endpoints: WeChatEndpoints(), logger: Logger(label: "t"))
        let app = WeChatAppCredentials(kind: .website, appID: "wx0123456789abcdef", secret: "s")
        #expect(
            client.qrConnectURL(app: app, redirectURI: "https://rp.example.com/cb?a=1&b=2", state: "AbC123")
                == "https://open.weixin.qq.com/connect/qrconnect?appid=wx0123456789abcdef&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb%3Fa%3D1%26b%3D2&response_type=code&scope=snsapi_login&state=AbC123#wechat_redirect"
        )
        #expect(
            client.qrConnectURL(app: app, redirectURI: "https://rp.example.com/cb", state: "x y", lang: "en")
                == "https://open.weixin.qq.com/connect/qrconnect?appid=wx0123456789abcdef&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&response_type=code&scope=snsapi_login&state=x%20y&lang=en#wechat_redirect"
        )
        let simulated = WeChatClient(
            httpClient: HTTPClient.shared, endpoints: .simulator(baseURL: "http://localhost:8080/wechat/"), logger: Logger(label: "t"))
        #expect(
            simulated.qrConnectURL(app: app, redirectURI: "https://rp.example.com/cb", state: "s")
                .hasPrefix("http://localhost:8080/wechat/connect/qrconnect?appid="))
    }

    @Test("percent-encoding keeps only unreserved characters")
    func percentEncoding() {
        #expect(WeChatQuery.percentEncode("a+b/c=d&e f#g%h?中~._-") == "a%2Bb%2Fc%3Dd%26e%20f%23g%25h%3F%E4%B8%AD~._-")
        #expect(WeChatQuery([("secret", "a+b"), ("code", "c&d=e")]).encoded == "secret=a%2Bb&code=c%26d%3De")
    }

    @Test("happy path: exchange (secret with + / = & ? # % space and CJK), check, userinfo, refresh")
    func happyPath() async throws {
        try await Harness.run { harness in
            let client = harness.client()
            let code = try await harness.code()
            let token = try await client.exchangeCode(code, app: Harness.app)
            #expect(token.openID == harness.simulator.openID(userID: "alice", appID: Harness.app.appID))
            #expect(token.unionID == harness.simulator.unionID(userID: "alice", appID: Harness.app.appID))
            #expect(token.unionID != nil)
            #expect(token.expiresIn == 7200)
            #expect(token.scope == "snsapi_login")
            #expect(token.isSnapshotUser == false)
            #expect(!"\(token)".contains(token.accessToken))
            #expect(!"\(token)".contains(token.refreshToken))

            try await client.checkAccessToken(token.accessToken, openID: token.openID)

            let info = try await client.userInfo(accessToken: token.accessToken, openID: token.openID)
            #expect(info == WeChatUserInfo(
                openID: token.openID, nickname: "小明🐼", sex: 0, province: "", city: "", country: "",
                headImageURL: "https://thirdwx.qlogo.cn/alice/0", privilege: [], unionID: token.unionID, language: nil))

            let refreshed = try await client.refreshToken(token.refreshToken, app: Harness.app)
            #expect(refreshed.accessToken != token.accessToken)
            #expect(refreshed.refreshToken == token.refreshToken)
            #expect(refreshed.openID == token.openID)
        }
    }

    @Test("an unbound app gets no unionid")
    func unbound() async throws {
        try await Harness.run { harness in
            let client = harness.client()
            let token = try await client.exchangeCode(try await harness.code(for: Harness.unboundApp), app: Harness.unboundApp)
            #expect(token.unionID == nil)
            let info = try await client.userInfo(accessToken: token.accessToken, openID: token.openID)
            #expect(info.unionID == nil)
        }
    }

    @Test("a code with reserved characters reaches WeChat intact (40029, not a mangled query)")
    func codeIsEncoded() async throws {
        try await Harness.run { harness in
            let error = await #expect(throws: WeChatError.self) {
                _ = try await harness.client().exchangeCode("abc#def&grant_type=x", app: Harness.app)
            }
            #expect(error?.errcode == 40029)
            #expect(error?.category == .invalidCode)
        }
    }

    @Test("error categories from real simulator conditions")
    func categories() async throws {
        try await Harness.run { harness in
            let client = harness.client()
            func failure(_ operation: () async throws -> Void) async -> WeChatError? {
                do {
                    try await operation()
                    return nil
                } catch {
                    return error as? WeChatError
                }
            }

            // invalid code / code used / code expired
            var error = await failure { _ = try await client.exchangeCode("unknown", app: Harness.app) }
            #expect(error?.category == .invalidCode)
            #expect(error?.errcode == 40029)
            #expect(error?.errmsg?.hasPrefix("invalid code, rid: ") == true)

            let code = try await harness.code()
            let token = try await client.exchangeCode(code, app: Harness.app)
            error = await failure { _ = try await client.exchangeCode(code, app: Harness.app) }
            #expect(error?.category == .codeUsed)
            #expect(error?.errcode == 40163)

            let stale = try await harness.code()
            harness.clock.advance(bySeconds: 600)
            error = await failure { _ = try await client.exchangeCode(stale, app: Harness.app) }
            #expect(error?.category == .expired)
            #expect(error?.errcode == 42003)

            // configuration: wrong secret, unknown appid
            var wrongSecret = Harness.app
            wrongSecret.secret = "wrong"
            error = await failure { _ = try await client.exchangeCode("x", app: wrongSecret) }
            #expect(error?.category == .configuration)
            #expect(error?.errcode == 40125)
            var unknownApp = Harness.app
            unknownApp.appID = "wx0000000000000000"
            error = await failure { _ = try await client.exchangeCode("x", app: unknownApp) }
            #expect(error?.category == .configuration)
            #expect(error?.errcode == 40013)

            // invalid tokens / openid
            error = await failure { try await client.checkAccessToken("bogus", openID: token.openID) }
            #expect(error?.category == .invalidToken)
            #expect(error?.errcode == 40014)
            error = await failure { try await client.checkAccessToken(token.accessToken, openID: "o_someone_else") }
            #expect(error?.category == .invalidToken)
            #expect(error?.errcode == 40003)
            error = await failure { _ = try await client.refreshToken("bogus", app: Harness.app) }
            #expect(error?.category == .invalidToken)
            #expect(error?.errcode == 40030)

            // expired access token (the clock is already 600 s on; 7200 s after issue)
            harness.clock.advance(bySeconds: 6600)
            error = await failure { _ = try await client.userInfo(accessToken: token.accessToken, openID: token.openID) }
            #expect(error?.category == .expired)
            #expect(error?.errcode == 42001)
            harness.clock.advance(bySeconds: 30 * 24 * 3600)
            error = await failure { _ = try await client.refreshToken(token.refreshToken, app: Harness.app) }
            #expect(error?.category == .expired)
            #expect(error?.errcode == 42002)
        }
    }

    @Test("errcodes only faults can produce map to their categories, without retry", arguments: [
        (50001, WeChatError.Category.denied),
        (50002, .denied),
        (45009, .quota),
        (45011, .quota),
        (48001, .configuration),
        (40164, .configuration),
        (41005, .configuration),
        (42007, .expired),
        (40999, .unknown),
    ])
    func faultCategories(errcode: Int, category: WeChatError.Category) async throws {
        try await Harness.run { harness in
            harness.simulator.addFault(SimulatorFault(endpoint: .auth, kind: .errcode(errcode), count: 2))
            let error = await #expect(throws: WeChatError.self) {
                try await harness.client().checkAccessToken("t", openID: "o")
            }
            #expect(error?.errcode == errcode)
            #expect(error?.category == category)
            #expect(error?.isRetryable == false)
            #expect(harness.simulator.faults.first?.count == 1)  // one attempt only
        }
    }

    @Test("snapshot users are refused by exchangeCode")
    func snapshotUser() async throws {
        try await Harness.run { harness in
            let code = try await harness.code()
            harness.simulator.addFault(SimulatorFault(endpoint: .accessToken, kind: .snapshotUser, count: 1))
            let error = await #expect(throws: WeChatError.self) {
                _ = try await harness.client().exchangeCode(code, app: Harness.app)
            }
            #expect(error?.category == .snapshotUser)
            #expect(error?.errcode == nil)
        }
    }
}
