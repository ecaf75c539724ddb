import Foundation
import Testing
import WeChat

/// Event-push signatures, safe-mode AES and the XML reader (WECHAT.md §5.3), against vectors
/// computed independently (Python hashlib and the cryptography package).
@Suite("Official Account pushes: signatures, safe mode, XML")
struct WeChatPushTests {
    static let aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFA"
    static let appID = "wx2222222222222222"
    static let encrypted = "MmbbJ6FrVtFjNeOVSbS5ed2k4D+iNJk1rBZkJUZW4oi57QgrO3arINGu0DkOuM8NPKdC+HvLFNLimvEdD3Lo20MtKX4sUjiFlhdU2Rz8mFFjkcLseX4qFib5q1jtGY7dvs/OeTZOc6fDZI2hlBYuMQJBnSPY1BtW/h6hjg/jnomf6g3q9eDnB9vHBjAgxDOBHTH95G/5KR1Rq/vlcSKg+45jpmdotnj4hTdc2mxrZ4zs9XPSIyUWxAxC8Bgp5bh9EECOwb7ijMHIKrrDQrT/AfsxDXOdlyspQcBJZac/XKxpGFpR5wSbVvdxw+HhHTRzWLEExgliS9wXXsEdUbX7g6m7cyRR0FQ40C+81+oNzjyNKxCwka1M7nUHGDhquCHyGXAJOQ7cir5eRFUFmt3LqAQ/kG8V+VW4RrfF1+xm1MF5ZIIT9L2MrBCIlm8mmhLhMcdpu6r6fkfYBFo8z1HbeQ=="
    static let xml = "<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><FromUserName><![CDATA[oUSER]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_scene123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>"

    @Test("plain and safe-mode signatures: sha1 of the sorted parts, hex; case of the hex ignored; anything else refused")
    func signatures() {
        #expect(WeChatPushSignature.isValid("884b19a2e4a7eb8620f3cd025c3e2ca1b51bb490", token: "servertoken1", timestamp: "1700000000", nonce: "nonce42"))
        #expect(WeChatPushSignature.isValid("884B19A2E4A7EB8620F3CD025C3E2CA1B51BB490", token: "servertoken1", timestamp: "1700000000", nonce: "nonce42"))
        #expect(!WeChatPushSignature.isValid("884b19a2e4a7eb8620f3cd025c3e2ca1b51bb491", token: "servertoken1", timestamp: "1700000000", nonce: "nonce42"))
        #expect(!WeChatPushSignature.isValid("", token: "servertoken1", timestamp: "1700000000", nonce: "nonce42"))
        #expect(!WeChatPushSignature.isValid("884b19a2e4a7eb8620f3cd025c3e2ca1b51bb490", token: "othertoken", timestamp: "1700000000", nonce: "nonce42"))
        #expect(WeChatPushSignature.isValidMessage(
            "fe173120126bad85dd831526827b92618a87e17b", token: "servertoken1", timestamp: "1700000000", nonce: "nonce42", encrypt: Self.encrypted))
        #expect(!WeChatPushSignature.isValidMessage(
            "fe173120126bad85dd831526827b92618a87e17b", token: "servertoken1", timestamp: "1700000001", nonce: "nonce42", encrypt: Self.encrypted))
    }

    @Test("safe mode: decrypts WeChat's layout, refuses another appid and garbage; encrypt round-trips")
    func aes() throws {
        let crypto = try #require(WeChatMessageCrypto(encodingAESKey: Self.aesKey, appID: Self.appID))
        #expect(try crypto.decrypt(Self.encrypted) == Self.xml)
        let other = try #require(WeChatMessageCrypto(encodingAESKey: Self.aesKey, appID: "wx9999999999999999"))
        #expect(throws: WeChatMessageCrypto.Failure.self) { try other.decrypt(Self.encrypted) }
        var tampered = Array(Self.encrypted)
        tampered[10] = tampered[10] == "A" ? "B" : "A"
        // CBC is malleable: a changed block garbles the text (msg_signature, checked first, is what
        // proves integrity).
        #expect((try? crypto.decrypt(String(tampered))) != Self.xml)
        for garbage in ["", "not base64!", "AAAA", String(repeating: "A", count: 70_000)] {
            #expect(throws: WeChatMessageCrypto.Failure.self) { try crypto.decrypt(garbage) }
        }
        let sealed = try crypto.encrypt("<xml>中文</xml>", random: Array(repeating: 7, count: 16))
        #expect(try crypto.decrypt(sealed) == "<xml>中文</xml>")
        #expect(WeChatMessageCrypto(encodingAESKey: "short", appID: Self.appID) == nil)
        #expect(WeChatMessageCrypto(encodingAESKey: String(repeating: "!", count: 43), appID: Self.appID) == nil)
    }

    @Test("XML: WeChat's flat shape, CDATA or escaped text, the scene with qrscene_ stripped (subscribe) or as is (SCAN)")
    func xml() throws {
        let message = try #require(WeChatPushMessage(xml: Self.xml))
        #expect(message.toUserName == "gh_0a1b2c3d4e5f")
        #expect(message.fromUserName == "oUSER")
        #expect(message.event == "subscribe")
        #expect(message.ticket == "TICKET")
        #expect(message.scene == "scene123")
        let scan = try #require(WeChatPushMessage(xml: "<?xml version=\"1.0\"?>\n<xml>\n <MsgType>event</MsgType>\n <Event>SCAN</Event>\n <EventKey>a&amp;b&#x4E2D;</EventKey>\n</xml>\n"))
        #expect(scan.scene == "a&b中")
        #expect(WeChatPushMessage(xml: "<xml><MsgType>event</MsgType><Event>subscribe</Event><EventKey></EventKey></xml>")?.scene == nil)
        #expect(WeChatPushMessage(xml: "<xml><MsgType>text</MsgType><Content>hi</Content></xml>")?.scene == nil)
    }

    @Test("XML: hostile input is refused, never expanded")
    func hostileXML() {
        for hostile in [
            "", "<xml>", "<xml><A>1</A>", "<xml><A>1</B></xml>", "<xml><A><B>1</B></A></xml>",
            #"<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><A>&x;</A></xml>"#,
            "<xml><A>&x;</A></xml>", "<xml><A>1</A><A>2</A></xml>", "<xml><A>1</A></xml>trailing", "<notxml></notxml>",
            "<xml><A><![CDATA[unterminated</A></xml>", "<xml><A b=\"c\">1</A></xml>", "<xml><A>&#xFFFFFFFF;</A></xml>",
            "<xml>" + String(repeating: "<A>1</A>", count: 10_000) + "</xml>",
        ] {
            #expect(WeChatPushMessage(xml: hostile) == nil, "\(hostile.prefix(80))")
        }
    }
}
