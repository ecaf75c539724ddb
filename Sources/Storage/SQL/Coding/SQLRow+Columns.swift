import Foundation
import SQLKit

/// Typed column readers matching `SQLColumnCoding`.
extension SQLRow {
    func string(_ column: String) throws -> String {
        try decode(column: column, as: String.self)
    }

    /// Optional columns ask `decodeNil` first: decoding `Optional<T>` directly takes the
    /// drivers' generic `Decoder` path, decoding `T` their direct conversion.
    func optionalString(_ column: String) throws -> String? {
        try decodeNil(column: column) ? nil : decode(column: column, as: String.self)
    }

    func int(_ column: String) throws -> Int64 {
        try decode(column: column, as: Int64.self)
    }

    func optionalInt(_ column: String) throws -> Int64? {
        try decodeNil(column: column) ? nil : int(column)
    }

    func date(_ column: String) throws -> Date {
        SQLColumnCoding.date(millis: try int(column))
    }

    func optionalDate(_ column: String) throws -> Date? {
        try decodeNil(column: column) ? nil : SQLColumnCoding.date(millis: try int(column))
    }

    func hexData(_ column: String) throws -> Data {
        try SQLColumnCoding.data(hex: try string(column))
    }

    func optionalHexData(_ column: String) throws -> Data? {
        try optionalString(column).map { try SQLColumnCoding.data(hex: $0) }
    }

    func stringList(_ column: String) throws -> [String] {
        try SQLColumnCoding.decodeStringList(from: try string(column))
    }

    func stringMap(_ column: String) throws -> [String: String] {
        try SQLColumnCoding.decodeJSON([String: String].self, from: try string(column))
    }

    /// A `RawRepresentable` enum stored as its raw string; unknown values are a backend error.
    func enumValue<E: RawRepresentable>(_ column: String, as type: E.Type) throws -> E where E.RawValue == String {
        let raw = try string(column)
        guard let value = E(rawValue: raw) else {
            throw StorageError.backend("column \(column) holds unknown value '\(raw)'")
        }
        return value
    }
}
