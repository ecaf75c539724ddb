import Foundation
import Testing

@testable import WeChat

@Suite("WeChat models")
struct WeChatModelTests {
    @Test("the secret never shows in description, debugDescription or dump")
    func secretRedacted() {
        let app = WeChatAppCredentials(kind: .website, appID: "wx0123456789abcdef", secret: "TOPSECRET")
        var dumped = ""
        dump(app, to: &dumped)
        for text in ["\(app)", String(reflecting: app), dumped] {
            #expect(!text.contains("TOPSECRET"))
            #expect(text.contains("wx0123456789abcdef"))
        }
    }

    @Test("errcode → category, as WECHAT.md §4 says", arguments: [
        (-1, WeChatError.Category.systemBusy), (40013, .configuration), (40125, .configuration), (40164, .configuration),
        (48001, .configuration), (41001, .configuration), (41009, .configuration), (40029, .invalidCode),
        (40163, .codeUsed), (42001, .expired), (42002, .expired), (42003, .expired), (42007, .expired),
        (40014, .invalidToken), (40030, .invalidToken), (40003, .invalidToken), (50001, .denied), (50002, .denied),
        (45009, .quota), (45011, .quota), (40226, .unknown), (12345, .unknown),
    ])
    func categories(errcode: Int, category: WeChatError.Category) {
        let error = WeChatError.errcode(errcode, errmsg: "m")
        #expect(error.category == category)
        #expect(error.isRetryable == (errcode == -1))
    }

    @Test("exponential back-off with jitter, capped")
    func backoff() {
        let policy = WeChatRetryPolicy()
        #expect(policy.maxAttempts == 3)
        #expect(policy.delay(afterAttempt: 1, jitter: 1) == .milliseconds(200))
        #expect(policy.delay(afterAttempt: 2, jitter: 1) == .milliseconds(400))
        #expect(policy.delay(afterAttempt: 3, jitter: 0.5) == .milliseconds(400))
        #expect(policy.delay(afterAttempt: 10, jitter: 1) == .seconds(2))
        #expect(policy.delay(afterAttempt: 100, jitter: 1) == .seconds(2))
        #expect(WeChatRetryPolicy(maxAttempts: 0).attempts == 1)
    }

    @Test("token decoding: is_snapshotuser, empty unionid, numeric strings")
    func tokenDecoding() throws {
        let json = #"{"access_token":"A","expires_in":"7200","refresh_token":"R","openid":"o1","scope":"snsapi_login","unionid":"","is_snapshotuser":1}"#
        let token = try JSONDecoder().decode(WeChatOAuthToken.self, from: Data(json.utf8))
        #expect(token == WeChatOAuthToken(accessToken: "A", expiresIn: 7200, refreshToken: "R", openID: "o1", scope: "snsapi_login", unionID: nil, isSnapshotUser: true))
    }

    @Test("envelope: errcode 0 or absent is success; errcode as string is read")
    func envelope() throws {
        try WeChatResponseBody.checkErrcode(Array(#"{"errcode":0,"errmsg":"ok"}"#.utf8))
        try WeChatResponseBody.checkErrcode(Array(#"{"openid":"o"}"#.utf8))
        #expect(throws: WeChatError.errcode(40029, errmsg: "x")) { try WeChatResponseBody.checkErrcode(Array(#"{"errcode":"40029","errmsg":"x"}"#.utf8)) }
        #expect(throws: WeChatError.malformedResponse("empty body")) { try WeChatResponseBody.checkErrcode([]) }
    }
}
