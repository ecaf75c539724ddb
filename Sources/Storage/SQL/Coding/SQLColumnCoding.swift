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
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { throw StorageError.backend("stored hash has odd length") }
        var data = Data(capacity: utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                throw StorageError.backend("stored hash is not hexadecimal")
            }
            data.append(high << 4 | low)
            index += 2
        }
        return data
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

    static func decodeJSON<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StorageError.backend("stored JSON does not decode as \(T.self): \(error)")
        }
    }
}
