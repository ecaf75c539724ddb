import Crypto
import _CryptoExtras
import Foundation

/// Safe-mode (安全模式) encryption of Official Account pushes (WECHAT.md §5.3): "the AES key is
/// `base64decode(EncodingAESKey + "=")` (32 bytes), AES-256-CBC with IV = first 16 key bytes,
/// PKCS#7 padding (block 32); plaintext = 16 random bytes + 4-byte big-endian length + XML +
/// appid."
///
/// AES-CBC proves nothing about integrity: verify the push's `msg_signature`
/// (``WeChatPushSignature/isValidMessage(_:token:timestamp:nonce:encrypt:)``) before decrypting.
public struct WeChatMessageCrypto: Sendable {
    /// Why a message could not be opened. Details never include the key or the plaintext.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The largest encrypted message accepted (base64 characters).
    public static let maxEncryptedLength = 64 * 1024
    private static let blockSize = 32

    private let key: SymmetricKey
    private let iv: [UInt8]
    private let appID: String

    /// `nil` when `encodingAESKey` is not 43 base64 characters decoding to 32 bytes.
    public init?(encodingAESKey: String, appID: String) {
        guard encodingAESKey.utf8.count == 43, let bytes = Data(base64Encoded: encodingAESKey + "="), bytes.count == 32 else { return nil }
        key = SymmetricKey(data: bytes)
        iv = Array(bytes.prefix(16))
        self.appID = appID
    }

    /// The XML inside a base64 `<Encrypt>` value, after checking the padding, the length and that
    /// the trailing appid is ours.
    public func decrypt(_ encrypted: String) throws(Failure) -> String {
        guard encrypted.utf8.count <= Self.maxEncryptedLength, let ciphertext = Data(base64Encoded: encrypted),
              !ciphertext.isEmpty, ciphertext.count % 16 == 0
        else { throw Failure(description: "not base64 AES-CBC ciphertext") }
        let padded: [UInt8]
        do {
            padded = Array(try AES._CBC.decrypt(ciphertext, using: key, iv: try AES._CBC.IV(ivBytes: iv), noPadding: true))
        } catch {
            throw Failure(description: "AES decryption failed")
        }
        guard let pad = padded.last, (1...Self.blockSize).contains(Int(pad)), Int(pad) <= padded.count else {
            throw Failure(description: "bad padding")
        }
        let plain = padded.dropLast(Int(pad))
        guard plain.count >= 20 else { throw Failure(description: "message too short") }
        let lengthBytes = Array(plain.dropFirst(16).prefix(4))
        let length = lengthBytes.reduce(0) { ($0 << 8) | Int($1) }
        let body = plain.dropFirst(20)
        guard length <= body.count else { throw Failure(description: "bad length") }
        let xml = body.prefix(length)
        let trailer = body.dropFirst(length)
        guard WeChatPushSignature.constantTimeEquals(String(decoding: trailer, as: UTF8.self), appID) else {
            throw Failure(description: "message for another appid")
        }
        guard let text = String(validating: xml, as: UTF8.self) else { throw Failure(description: "not UTF-8") }
        return text
    }

    /// Encrypts `xml` as WeChat does (for replies and tests); `random` is the 16-byte prefix.
    public func encrypt(_ xml: String, random: [UInt8]) throws(Failure) -> String {
        guard random.count == 16 else { throw Failure(description: "the random prefix must be 16 bytes") }
        let body = Array(xml.utf8)
        let length = UInt32(body.count)
        var plain = random + [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        plain += body + Array(appID.utf8)
        let pad = Self.blockSize - plain.count % Self.blockSize
        plain += [UInt8](repeating: UInt8(pad), count: pad)
        do {
            return try AES._CBC.encrypt(plain, using: key, iv: try AES._CBC.IV(ivBytes: iv), noPadding: true).base64EncodedString()
        } catch {
            throw Failure(description: "AES encryption failed")
        }
    }
}
