import Foundation

/// How record values are written to columns, the same for every dialect:
/// times as `BIGINT` Unix milliseconds, hashes as lowercase hex `TEXT`, string lists and maps as
/// JSON `TEXT`.
enum SQLColumnCoding {
    /// Milliseconds since 1970, rounded to the nearest millisecond.
    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000).rounded())
    }

    static func millis(_ date: Date?) -> Int64? {
        date.map { millis($0) }
    }

    static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1_000)
    }

    /// Lowercase hexadecimal.
    static func hex(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count * 2)
        for byte in data {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hex(_ data: Data?) -> String? {
        data.map { hex($0) }
    }

    /// Parses hexadecimal (either case); throws `StorageError.backend` for anything else.
    static func data(hex: String) throws -> Data {
        let utf8 = hex.utf8
        guard utf8.count % 2 == 0 else { throw StorageError.backend("stored hash has odd length") }
        // Bytes collected in an array and turned into `Data` once: appending to `Data` byte by
        // byte costs a call per byte (read on every token request).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var high: UInt8?
        for character in utf8 {
            guard let value = nibble(character) else { throw StorageError.backend("stored hash is not hexadecimal") }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return Data(bytes)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// JSON text of a string list or map (keys sorted, so equal values give equal text).
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// JSON text of a string list, written directly: the same text `json(_:)` gives through
    /// `JSONEncoder` (RFC 8259 escapes, `/` unescaped), without an encoder per call.
    static func json(_ list: [String]) throws -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(list.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, value) in list.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
                case 0x00..<0x20:
                    let digits = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: "\\u00".utf8)
                    bytes.append(digits[Int(byte >> 4)])
                    bytes.append(digits[Int(byte & 0x0f)])
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A string list stored as JSON text. The common shape — `["a","b"]` with no escapes and no
    /// whitespace, as `json(_:)` writes it — is read directly; anything else goes through
    /// `JSONDecoder`.
    static func decodeStringList(from text: String) throws -> [String] {
        if let list = simpleStringList(text) { return list }
        return try decodeJSON([String].self, from: text)
    }

    private static func simpleStringList(_ text: String) -> [String]? {
        var utf8 = text.utf8[...]
        guard utf8.first == UInt8(ascii: "["), utf8.last == UInt8(ascii: "]") else { return nil }
        utf8 = utf8.dropFirst().dropLast()
        var result: [String] = []
        while !utf8.isEmpty {
            if !result.isEmpty {
                guard utf8.first == UInt8(ascii: ",") else { return nil }
                utf8 = utf8.dropFirst()
            }
            guard utf8.first == UInt8(ascii: "\"") else { return nil }
            utf8 = utf8.dropFirst()
            guard let end = utf8.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let content = utf8[..<end]
            // Escapes and raw control characters take the full decoder.
            guard !content.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else { return nil }
            guard let value = String(content) else { return nil }
            result.append(value)
            utf8 = utf8[utf8.index(after: end)...]
        }
        return result
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StorageError.backend("stored JSON does not decode as \(T.self): \(error)")
        }
    }
}
