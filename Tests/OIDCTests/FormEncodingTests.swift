import Testing
@testable import OIDC

@Suite("application/x-www-form-urlencoded parsing")
struct FormEncodingTests {
    static func pairs(_ body: String) -> [String]? {
        FormEncoding.parse(body)?.map { "\($0.name)=\($0.value)" }
    }

    @Test("pairs, empty pieces, missing values, '=' inside values")
    func shapes() {
        #expect(Self.pairs("") == [])
        #expect(Self.pairs("&&a=1&&b=2&") == ["a=1", "b=2"])
        #expect(Self.pairs("a") == ["a="])
        #expect(Self.pairs("=v") == ["=v"])
        #expect(Self.pairs("a=b=c") == ["a=b=c"])
        #expect(Self.pairs("grant_type=authorization_code&code=abc-_.~") == ["grant_type=authorization_code", "code=abc-_.~"])
    }

    @Test("escapes, plus, raw UTF-8 and malformed input")
    func decoding() {
        #expect(Self.pairs("redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&s=a+b") == ["redirect_uri=http://127.0.0.1:9/cb", "s=a b"])
        #expect(Self.pairs("n=%E4%B8%AD%e6%96%87") == ["n=中文"])
        #expect(Self.pairs("n=中文&x=😀") == ["n=中文", "x=😀"])
        #expect(Self.pairs("a=%2") == nil)
        #expect(Self.pairs("a=%zz") == nil)
        #expect(Self.pairs("%ff=1") == nil)
        #expect(Self.pairs("a=1&b=%C3") == nil)
        #expect(FormEncoding.decode(Substring("x+y%21")) == "x y!")
    }

    @Test("encode then parse gives the values back")
    func roundTrip() {
        let values = ["plain", "a b+c", "100%", "x=y&z", "中文 😀", "", "~!*'()"]
        let body = values.enumerated().map { "k\($0.offset)=\(FormEncoding.encode($0.element))" }.joined(separator: "&")
        #expect(FormEncoding.parse(body)?.map(\.value) == values)
    }
}
