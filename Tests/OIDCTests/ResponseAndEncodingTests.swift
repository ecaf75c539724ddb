import Foundation
import Testing
@testable import OIDC

@Suite("Authorization responses and form encoding")
struct ResponseAndEncodingTests {
    @Test("success keeps the registered query and adds code, state, iss (RFC 6749 §3.1.2, RFC 9207)")
    func success() {
        #expect(AuthorizationResponse.success(redirectURI: "https://rp/cb?bar=foo", code: "c", state: "a b", issuer: "https://op")
            == "https://rp/cb?bar=foo&code=c&state=a+b&iss=https%3A%2F%2Fop")
        #expect(AuthorizationResponse.success(redirectURI: "https://rp/cb", code: "c", state: nil, issuer: "https://op")
            == "https://rp/cb?code=c&iss=https%3A%2F%2Fop")
    }

    @Test("errors carry error, error_description, state, iss and no code")
    func failure() {
        #expect(AuthorizationResponse.failure(redirectURI: "https://rp/cb", error: .accessDenied("no"), state: "s", issuer: "https://op")
            == "https://rp/cb?error=access_denied&error_description=no&state=s&iss=https%3A%2F%2Fop")
    }

    @Test("error_description keeps only RFC 6749 §5.2 characters")
    func sanitized() {
        #expect(OAuthError.invalidRequest("a\"b\\c\r\nd\té").errorDescription == "abcd")
    }

    @Test("form decoding: + and %20 are spaces; malformed escapes and invalid UTF-8 are refused")
    func decoding() {
        #expect(FormEncoding.decode("a+b%20c") == "a b c")
        #expect(FormEncoding.decode("%zz") == nil)
        #expect(FormEncoding.decode("%") == nil)
        #expect(FormEncoding.decode("%ff") == nil)
        #expect(FormEncoding.parse("a=1&b=&c")?.map { "\($0.name)=\($0.value)" } == ["a=1", "b=", "c="])
    }

    @Test("random alphanumeric state is alphanumeric and of the requested length")
    func alnum() {
        let value = SystemRandomSource().alphanumeric(length: 32)
        #expect(value.count == 32)
        #expect(value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }
}

@Suite("base64url (RFC 4648 §5, no padding)")
struct Base64URLTests {
    @Test("RFC 4648 §10 vectors, URL alphabet, no padding, round trip")
    func vectors() {
        let cases: [(String, String)] = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in cases {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Data(base64URLEncoded: encoded) == Data(plain.utf8))
        }
        #expect(Base64URL.encode([0xfb, 0xff, 0xfe]) == "-__-")
        #expect(Data(base64URLEncoded: "-__-") == Data([0xfb, 0xff, 0xfe]))
        #expect(Data(base64URLEncoded: "Zg==") == nil)
        #expect(Data(base64URLEncoded: "Z") == nil)
        for length in 0..<40 {
            let bytes = SystemRandomSource().bytes(length)
            #expect(bytes.count == length)
            #expect(Data(base64URLEncoded: Base64URL.encode(bytes)) == Data(bytes))
        }
    }
}
