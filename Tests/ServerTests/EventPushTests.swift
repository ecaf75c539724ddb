import Foundation
import Testing
import WeChat
@testable import Server

/// The Official Account's server URL (WECHAT.md §5.3) on the real server, with vectors
/// computed independently (Python hashlib and cryptography).
@Suite("Official Account event pushes: URL verification, plain and safe mode")
struct EventPushTests {
    static let token = "servertoken1"
    static let signature = "884b19a2e4a7eb8620f3cd025c3e2ca1b51bb490"
    static let signed = "signature=\(signature)&timestamp=1700000000&nonce=nonce42"
    static let msgSignature = "fe173120126bad85dd831526827b92618a87e17b"

    static let options = TestProvider.Options(adjustSettings: {
        $0.officialAccount = OfficialAccountCredentials(
            app: WeChatAppCredentials(kind: .officialAccount, appID: WeChatPushTestsVectors.appID, secret: "s"),
            serverToken: EventPushTests.token, encodingAESKey: WeChatPushTestsVectors.aesKey, originalID: "gh_0a1b2c3d4e5f"
        )
    })

    func url(_ provider: TestProvider, _ query: String) -> String {
        provider.issuer + "/callback/wechat/events?" + query
    }

    @Test("URL verification echoes echostr as plain text only when signed")
    func verification() async throws {
        try await TestProvider.run(Self.options) { provider in
            let ok = try await provider.browser.get(url(provider, Self.signed + "&echostr=hello123"))
            #expect(ok.status == 200)
            #expect(ok.body == "hello123")
            #expect(ok.header("Content-Type") == "text/plain; charset=utf-8")
            for bad in ["signature=0000&timestamp=1700000000&nonce=nonce42&echostr=x", "timestamp=1700000000&nonce=nonce42&echostr=x",
                        "signature=\(Self.signature)&timestamp=1700000001&nonce=nonce42&echostr=x", Self.signed, Self.signed + "&echostr=a&echostr=b"] {
                let refused = try await provider.browser.get(url(provider, bad))
                #expect(refused.status == 403, "\(bad)")
                #expect(!refused.body.contains("x"))
            }
        }
    }

    @Test("plain pushes: signed → success; unsigned → 403; malformed XML → 400")
    func plain() async throws {
        try await TestProvider.run(Self.options) { provider in
            let xml = "<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><FromUserName><![CDATA[oUSER]]></FromUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[scene123]]></EventKey></xml>"
            let ok = try await Self.post(provider, url(provider, Self.signed), xml)
            #expect(ok.status == 200)
            #expect(ok.body == "success")
            // WeChat retries: the same push again is acknowledged the same way.
            #expect(try await Self.post(provider, url(provider, Self.signed), xml).body == "success")
            #expect(try await Self.post(provider, url(provider, "timestamp=1700000000&nonce=nonce42"), xml).status == 403)
            #expect(try await Self.post(provider, url(provider, Self.signed), "<xml><A>&x;</A></xml>").status == 400)
            #expect(try await Self.post(provider, url(provider, Self.signed), String(repeating: "x", count: 70_000)).status == 413)
        }
    }

    @Test("safe mode: msg_signature over Encrypt, then AES; a bad msg_signature is 403")
    func safeMode() async throws {
        try await TestProvider.run(Self.options) { provider in
            let body = "<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><Encrypt><![CDATA[\(WeChatPushTestsVectors.encrypted)]]></Encrypt></xml>"
            let ok = try await Self.post(provider, url(provider, Self.signed + "&encrypt_type=aes&msg_signature=\(Self.msgSignature)"), body)
            #expect(ok.status == 200)
            #expect(ok.body == "success")
            let forged = try await Self.post(provider, url(provider, Self.signed + "&encrypt_type=aes&msg_signature=\(Self.signature)"), body)
            #expect(forged.status == 403)
            let missing = try await Self.post(provider, url(provider, Self.signed + "&encrypt_type=aes"), body)
            #expect(missing.status == 403)
        }
    }

    @Test("without official_account.token the endpoint is not routed")
    func notConfigured() async throws {
        try await TestProvider.run { provider in
            let page = try await provider.browser.get(url(provider, Self.signed + "&echostr=x"))
            #expect(page.status == 404)
        }
    }

    static func post(_ provider: TestProvider, _ url: String, _ body: String) async throws -> TestBrowser.Page {
        try await provider.browser.get(url, method: .POST, rawBody: body)
    }
}

/// The safe-mode vector shared with `WeChatPushTests` (computed with Python's cryptography).
enum WeChatPushTestsVectors {
    static let aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFA"
    static let appID = "wx2222222222222222"
    static let encrypted = "MmbbJ6FrVtFjNeOVSbS5ed2k4D+iNJk1rBZkJUZW4oi57QgrO3arINGu0DkOuM8NPKdC+HvLFNLimvEdD3Lo20MtKX4sUjiFlhdU2Rz8mFFjkcLseX4qFib5q1jtGY7dvs/OeTZOc6fDZI2hlBYuMQJBnSPY1BtW/h6hjg/jnomf6g3q9eDnB9vHBjAgxDOBHTH95G/5KR1Rq/vlcSKg+45jpmdotnj4hTdc2mxrZ4zs9XPSIyUWxAxC8Bgp5bh9EECOwb7ijMHIKrrDQrT/AfsxDXOdlyspQcBJZac/XKxpGFpR5wSbVvdxw+HhHTRzWLEExgliS9wXXsEdUbX7g6m7cyRR0FQ40C+81+oNzjyNKxCwka1M7nUHGDhquCHyGXAJOQ7cir5eRFUFmt3LqAQ/kG8V+VW4RrfF1+xm1MF5ZIIT9L2MrBCIlm8mmhLhMcdpu6r6fkfYBFo8z1HbeQ=="
}
