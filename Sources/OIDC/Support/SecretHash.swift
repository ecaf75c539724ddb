import Crypto
import Foundation

/// Hashing and constant-time comparison of high-entropy secrets (client secrets, codes,
/// tokens, cookies). SHA-256 suffices for 256-bit random values; no slow KDF on the hot path.
public enum SecretHash {
    public static func sha256(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Compares two digests without leaking, through timing, where they first differ.
    public static func constantTimeEquals(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// Whether `secret` hashes to `expectedHash`, in constant time.
    public static func matches(_ secret: String, hash expectedHash: Data) -> Bool {
        constantTimeEquals(sha256(secret), expectedHash)
    }
}
