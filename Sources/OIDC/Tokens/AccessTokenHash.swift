import Crypto
import Foundation

/// `at_hash` (OIDC Core §3.1.3.6): "Its value is the base64url encoding of the left-most half
/// of the hash of the octets of the ASCII representation of the access_token value, where the
/// hash algorithm used is the hash algorithm used in the alg Header Parameter of the ID
/// Token's JOSE Header." SHA-256 for RS256/ES256/PS256.
public enum AccessTokenHash {
    public static func sha256(_ accessToken: String) -> String {
        let digest = Array(SHA256.hash(data: Data(accessToken.utf8)))
        return Data(digest.prefix(16)).base64URLEncodedString()
    }
}
