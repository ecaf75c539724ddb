import Foundation

/// A JWS in compact serialization (RFC 7515 §7.1), split and decoded but not verified.
public struct CompactJWS: Sendable {
    /// Longest token accepted.
    public static let maximumLength = 64 * 1024

    public let header: [String: JSONValue]
    public let claims: [String: JSONValue]
    /// `BASE64URL(header) . BASE64URL(payload)`.
    public let signingInput: String
    /// The raw signature octets (empty for `alg: none`).
    public let signature: Data
    public let token: String

    public var algorithm: String? { header["alg"]?.stringValue }
    public var keyID: String? { header["kid"]?.stringValue }

    /// `nil` unless `token` is three base64url parts whose first two are JSON objects. Five
    /// parts (a JWE, RFC 7516) are refused too: this provider decrypts nothing.
    public init?(_ token: String) {
        guard token.utf8.count <= Self.maximumLength else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerData = Data(base64URLEncoded: parts[0]), let header = JSONValue.parse(headerData)?.objectValue,
              let payloadData = Data(base64URLEncoded: parts[1]), let claims = JSONValue.parse(payloadData)?.objectValue,
              let signature = parts[2].isEmpty ? Data() : Data(base64URLEncoded: parts[2])
        else { return nil }
        self.header = header
        self.claims = claims
        self.signingInput = parts[0] + "." + parts[1]
        self.signature = signature
        self.token = token
    }
}

import Crypto

extension CompactJWS {
    /// RFC 7518 §3.2: whether the signature is HMAC-SHA-256 of the signing input keyed with
    /// `secret` (compared in constant time).
    public func verifiesHS256(secret: String) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(
            signature, authenticating: Data(signingInput.utf8), using: SymmetricKey(data: Data(secret.utf8))
        )
    }
}
