import Foundation
import Testing
@testable import OIDC

@Suite("JSON written without JSONEncoder")
struct JSONObjectWriterTests {
    static let awkward = ["plain", "with/slash", "quote\"and\\backslash", "line\nbreak\ttab\r\u{08}\u{0C}", "\u{01}\u{1F}\u{7F}", "中文 😀", ""]

    @Test("strings escape as RFC 8259 requires and read back unchanged")
    func escaping() throws {
        for value in Self.awkward {
            var writer = JSONObjectWriter()
            writer.add("v", value)
            writer.add("n", -42)
            writer.add("list", [value, "x"])
            let bytes = writer.finish()
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(object["v"] as? String == value)
            #expect(object["n"] as? Int == -42)
            #expect(object["list"] as? [String] == [value, "x"])
            #expect(!String(decoding: bytes, as: UTF8.self).contains("\\/"))
        }
        #expect(JSONObjectWriter().finish() == Array("{}".utf8))
    }

    @Test("ID token claims: the same members and values as encode(to:) (JSONEncoder leaves their order undefined)")
    func idTokenClaims() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var withExtras = IDTokenClaims(iss: "https://op", sub: "u1", aud: "c1", exp: 2, iat: 1, authTime: 1, nonce: nil, atHash: "h", amr: ["wechat_qr"], sid: "s")
        withExtras.acr = "urn:wechat-oidc:acr:wechat"
        withExtras.extra = ["nickname": "小\"明\"", "picture": "https://x/a.png", "sub": "forged", "empty": ""]
        let cases = [
            withExtras,
            IDTokenClaims(iss: "https://op.example/x", sub: "u1", aud: "c1", exp: 200, iat: 100, authTime: 90, nonce: "n\"1", atHash: "h", amr: ["wechat_qr"], sid: "s"),
            IDTokenClaims(iss: "https://op", sub: "u1", aud: "c1", exp: 200, iat: 100, authTime: 90, nonce: nil, atHash: nil, amr: []),
            IDTokenClaims(iss: "https://op", sub: "中文", aud: "c1", exp: 1, iat: 0, authTime: 0, nonce: "😀", atHash: "h", amr: nil),
        ]
        for claims in cases {
            let direct = claims.jsonBytes
            let reference = Array(try encoder.encode(claims))
            let directObject = try #require(try JSONSerialization.jsonObject(with: Data(direct)) as? NSDictionary)
            let referenceObject = try #require(try JSONSerialization.jsonObject(with: Data(reference)) as? NSDictionary)
            #expect(directObject == referenceObject)
            #expect(try JSONDecoder().decode(IDTokenClaims.self, from: Data(direct)) == JSONDecoder().decode(IDTokenClaims.self, from: Data(reference)))
        }
    }
}
