import Foundation
@testable import Storage
import Testing

@Suite("Column coding of string lists")
struct ColumnCodingTests {
    static let lists: [[String]] = [
        [], ["openid"], ["openid", "profile", "wechat"], ["with/slash", "quote\"", "back\\slash"],
        ["line\nbreak\ttab\r\u{08}\u{0C}", "\u{01}\u{1F}\u{7F}"], ["中文", "😀", ""],
    ]

    @Test("the direct writer gives the same text as JSONEncoder")
    func sameTextAsEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for list in Self.lists {
            #expect(try SQLColumnCoding.json(list) == String(decoding: try encoder.encode(list), as: UTF8.self))
        }
    }

    @Test("lists read back unchanged, through the fast path or the decoder")
    func roundTrip() throws {
        for list in Self.lists {
            #expect(try SQLColumnCoding.decodeStringList(from: try SQLColumnCoding.json(list)) == list)
        }
        // Shapes only the full decoder reads: whitespace, escapes.
        #expect(try SQLColumnCoding.decodeStringList(from: #"[ "a" , "b" ]"#) == ["a", "b"])
        #expect(try SQLColumnCoding.decodeStringList(from: #"["a\u0041","\/"]"#) == ["aA", "/"])
        #expect(throws: StorageError.self) { try SQLColumnCoding.decodeStringList(from: #"["a","#) }
        #expect(throws: StorageError.self) { try SQLColumnCoding.decodeStringList(from: #"{"a":1}"#) }
        #expect(throws: StorageError.self) { try SQLColumnCoding.decodeStringList(from: "") }
    }
}
