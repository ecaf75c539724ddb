/// An ordered list of query parameters, percent-encoded for a WeChat URL.
///
/// Every byte outside RFC 3986's unreserved set (`A–Z a–z 0–9 - . _ ~`) is encoded, so a secret,
/// a code or a `redirect_uri` containing `+`, `&`, `=`, `/`, `#` or non-ASCII survives intact.
/// Order is kept: WECHAT.md §2, "Send the parameters in exactly this order".
struct WeChatQuery: Sendable {
    private(set) var items: [(name: String, value: String)] = []

    init(_ items: [(String, String)] = []) {
        self.items = items.map { (name: $0.0, value: $0.1) }
    }

    mutating func append(_ name: String, _ value: String) {
        items.append((name: name, value: value))
    }

    /// `a=1&b=2`, percent-encoded.
    var encoded: String {
        items.map { "\(Self.percentEncode($0.name))=\(Self.percentEncode($0.value))" }.joined(separator: "&")
    }

    static func percentEncode(_ string: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
