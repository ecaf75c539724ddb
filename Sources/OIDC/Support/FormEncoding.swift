/// `application/x-www-form-urlencoded` encoding and decoding (WHATWG URL §5; RFC 6749
/// Appendix B).
public enum FormEncoding {
    /// Percent-encodes everything but ALPHA / DIGIT / "-" / "." / "_" / "*", and spaces as `+`.
    public static func encode(_ value: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in value.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x2A:
                out.append(b)
            case 0x20:
                out.append(0x2B)
            default:
                out.append(0x25)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes one form component: `+` is a space, `%XX` a byte. Returns `nil` on a malformed
    /// escape or invalid UTF-8, so hostile input never becomes a silently different value.
    public static func decode(_ component: some StringProtocol) -> String? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(component.utf8.count)
        var iterator = component.utf8.makeIterator()
        while let b = iterator.next() {
            switch b {
            case 0x2B: bytes.append(0x20)
            case 0x25:
                guard let h = iterator.next(), let l = iterator.next(),
                      let hv = hexValue(h), let lv = hexValue(l) else { return nil }
                bytes.append(hv << 4 | lv)
            default: bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Parses `a=1&b=2` into ordered pairs; `nil` when any component is malformed.
    public static func parse(_ body: some StringProtocol) -> [(name: String, value: String)]? {
        var result: [(name: String, value: String)] = []
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { return nil }
            let value = parts.count > 1 ? decode(parts[1]) : ""
            guard let value else { return nil }
            result.append((name, value))
        }
        return result
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
