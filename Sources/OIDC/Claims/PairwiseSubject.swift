import Crypto
import Foundation

/// Pairwise subject identifiers (OIDC Core §8.1): each sector sees its own, unlinkable `sub`
/// for the same user. "sub = SHA-256 ( sector_identifier || local_account_id || salt )", the
/// hash base64url-encoded; the salt is a server secret, so others cannot recompute it.
public enum PairwiseSubject {
    public static func subject(sector: String, localID: String, salt: some Collection<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(sector.utf8))
        hasher.update(data: Data(localID.utf8))
        hasher.update(data: Data(salt))
        return Base64URL.encode(Array(hasher.finalize()))
    }
}
