import Crypto
import Foundation

/// A source of unguessable values, injectable so tests can be deterministic where they need to.
public protocol RandomSource: Sendable {
    /// `count` cryptographically secure random bytes.
    func bytes(_ count: Int) -> [UInt8]
}

/// The system CSPRNG.
public struct SystemRandomSource: RandomSource {
    public init() {}

    public func bytes(_ count: Int) -> [UInt8] {
        // Eight bytes per draw from the system CSPRNG (one getrandom call each, not one per byte).
        var generator = SystemRandomNumberGenerator()
        var result = [UInt8]()
        result.reserveCapacity(count + 8)
        while result.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { result.append(contentsOf: $0) }
        }
        result.removeLast(result.count - count)
        return result
    }
}

extension RandomSource {
    /// A base64url token carrying `bytes` random bytes: 32 bytes = 256 bits (RFC 6749 §10.10:
    /// "The probability of an attacker guessing generated tokens … MUST be less than or equal
    /// to 2^(-128)").
    public func token(bytes: Int = 32) -> String {
        Data(self.bytes(bytes)).base64URLEncodedString()
    }

    /// A short alphanumeric value, e.g. the `state` sent to WeChat, which must stay alphanumeric
    /// and ≤ 128 bytes (shared/WECHAT.md §2). 32 characters of 62 ≈ 190 bits.
    public func alphanumeric(length: Int = 32) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var result = [UInt8]()
        result.reserveCapacity(length)
        while result.count < length {
            for byte in bytes(length * 2) where byte < 248 && result.count < length {
                // 248 = 4 × 62: rejection sampling keeps the distribution uniform.
                result.append(alphabet[Int(byte) % 62])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
