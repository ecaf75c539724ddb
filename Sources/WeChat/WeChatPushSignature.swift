import Crypto

/// Signatures of the Official Account's event pushes (WECHAT.md §5.3).
///
/// "URL verification: `GET ?signature&timestamp&nonce&echostr`; valid when
/// `signature == hex(sha1(sorted([token, timestamp, nonce]).joined()))`". Safe mode:
/// "`msg_signature = hex(sha1(sorted([token, timestamp, nonce, encrypt]).joined()))`".
public enum WeChatPushSignature {
    /// `hex(sha1(sorted(parts).joined()))`; `sorted` is byte-wise (ASCII) order.
    public static func compute(_ parts: [String]) -> String {
        let joined = parts.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.joined()
        return Insecure.SHA1.hash(data: Array(joined.utf8)).map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }

    /// Whether `provided` is the plain-mode `signature` of `timestamp` and `nonce` under `token`.
    public static func isValid(_ provided: String, token: String, timestamp: String, nonce: String) -> Bool {
        constantTimeEquals(provided.lowercased(), compute([token, timestamp, nonce]))
    }

    /// Whether `provided` is the safe-mode `msg_signature` over `encrypt` too.
    public static func isValidMessage(_ provided: String, token: String, timestamp: String, nonce: String, encrypt: String) -> Bool {
        constantTimeEquals(provided.lowercased(), compute([token, timestamp, nonce, encrypt]))
    }

    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
