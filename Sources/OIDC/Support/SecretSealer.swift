import Crypto
import Foundation

/// Seals client secrets that the provider must be able to read back: a `client_secret_jwt`
/// assertion is an HMAC keyed with the client secret (RFC 7523 §2.2, OIDC Core §9), so the
/// SHA-256 digest kept for the other methods is not enough.
///
/// AES-256-GCM (NIST SP 800-38D) with a random 96-bit nonce; the client id is the additional
/// authenticated data, so a sealed value copied to another client's row does not open. The
/// sealed form is `v1.` + base64url(nonce ‖ ciphertext ‖ tag).
public struct SecretSealer: Sendable {
    private let key: SymmetricKey

    /// - Parameter key: 32 bytes.
    public init?(key bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        key = SymmetricKey(data: Array(bytes))
    }

    public func seal(_ secret: String, clientID: String) throws -> String {
        let box = try AES.GCM.seal(Data(secret.utf8), using: key, authenticating: Data(clientID.utf8))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return "v1." + Base64URL.encode(combined)
    }

    /// The secret, or `nil` when `sealed` is malformed, was sealed under another key or for
    /// another client.
    public func open(_ sealed: String, clientID: String) -> String? {
        guard sealed.hasPrefix("v1."), let data = Data(base64URLEncoded: sealed.dropFirst(3)),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key, authenticating: Data(clientID.utf8))
        else { return nil }
        return String(data: plain, encoding: .utf8)
    }
}
