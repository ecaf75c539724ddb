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
        decode(utf8: component.utf8)
    }

    /// Parses `a=1&b=2` into ordered pairs; `nil` when any component is malformed. Splits on the
    /// bytes `&` and `=` (WHATWG URL §5.1), working on UTF-8 throughout: a request body is parsed
    /// on every token exchange (taking a `String`, not any `StringProtocol`, so the parser is
    /// compiled for it rather than run generically from other modules).
    public static func parse(_ body: String) -> [(name: String, value: String)]? {
        var result: [(name: String, value: String)] = []
        for pair in body.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: String?
            let value: String?
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                name = decode(utf8: pair[..<equals])
                value = decode(utf8: pair[pair.index(after: equals)...])
            } else {
                name = decode(utf8: pair)
                value = ""
            }
            guard let name, let value else { return nil }
            result.append((name, value))
        }
        return result
    }

    /// `parse(_:)` of a slice of a string (a URL's query, say).
    public static func parse(_ body: Substring) -> [(name: String, value: String)]? {
        parse(String(body))
    }

    /// Decodes the UTF-8 of a component taken from a Swift string (so split only at ASCII bytes,
    /// hence valid UTF-8): copied as is when it holds no `+` or `%`.
    private static func decode<Bytes: Collection<UInt8>>(utf8 component: Bytes) -> String? {
        guard component.contains(where: { $0 == 0x2B || $0 == 0x25 }) else {
            return String(decoding: component, as: UTF8.self)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(component.count)
        var iterator = component.makeIterator()
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

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
