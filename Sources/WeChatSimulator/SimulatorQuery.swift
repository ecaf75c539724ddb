/// An ordered, percent-decoded list of `name=value` pairs, as sent.
///
/// Order matters for `qrconnect` (WECHAT.md §2: "Reordered parameters have produced blank pages
/// in practice"), so this keeps it. `+` decodes to a space, as in HTML forms: a client that does
/// not percent-encode a `+` in a secret or code therefore fails here as it would against WeChat.
struct SimulatorQuery: Sendable {
    private(set) var items: [(name: String, value: String)]

    init(_ raw: Substring?) {
        guard let raw, !raw.isEmpty else {
            items = []
            return
        }
        items = raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return (Self.decode(pair[..<equals]), Self.decode(pair[pair.index(after: equals)...]))
            }
            return (Self.decode(pair), "")
        }
    }

    init(_ raw: String?) {
        self.init(raw.map { Substring($0) })
    }

    var names: [String] { items.map(\.name) }

    /// The first value for `name`.
    subscript(_ name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// The first non-empty value for `name`.
    func nonEmpty(_ name: String) -> String? {
        guard let value = self[name], !value.isEmpty else { return nil }
        return value
    }

    /// Adds `other`'s pairs after this one's (query first, then form body).
    mutating func append(contentsOf other: SimulatorQuery) {
        items.append(contentsOf: other.items)
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if iterator.count >= 2, let high = hexValue(iterator[iterator.startIndex]),
                    let low = hexValue(iterator[iterator.startIndex + 1])
                {
                    bytes.append(high << 4 | low)
                    iterator = iterator.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Percent-encodes everything outside RFC 3986's unreserved set.
    static func encode(_ string: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
