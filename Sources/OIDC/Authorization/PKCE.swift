import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636).
public enum PKCE {
    /// RFC 7636 §4.1: `code-verifier = 43*128unreserved`, unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~".
    public static func isValidVerifier(_ verifier: String) -> Bool {
        let bytes = verifier.utf8
        guard (43...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
        }
    }

    /// An S256 challenge is 32 bytes, base64url without padding: exactly 43 characters.
    public static func isValidS256Challenge(_ challenge: String) -> Bool {
        guard challenge.utf8.count == 43, let data = Data(base64URLEncoded: challenge) else { return false }
        return data.count == 32
    }

    /// RFC 7636 §4.6: `BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge`.
    public static func s256Challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
    }

    /// Verifies `verifier` against the stored challenge, in constant time.
    public static func verify(verifier: String, challenge: String, method: String) -> Bool {
        guard method == "S256", isValidVerifier(verifier) else { return false }
        return SecretHash.constantTimeEquals(Data(s256Challenge(for: verifier).utf8), Data(challenge.utf8))
    }
}
