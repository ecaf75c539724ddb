import Foundation

/// A client's `jwks` (OIDC Registration §2): a JWK Set (RFC 7517 §5) of public keys.
public enum JWKSetRules {
    /// RFC 7518 §6.2.2, §6.3.2, §6.4 and RFC 8037 §2: members that carry private or symmetric
    /// key material. A client must never hand its private keys to the provider.
    static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]
    /// The required public members per key type (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2).
    static let publicMembers: [String: [String]] = ["RSA": ["n", "e"], "EC": ["crv", "x", "y"], "OKP": ["crv", "x"]]
    static let maximumKeys = 20

    /// Why `jwks` is refused, or `nil` when it is a set of public keys.
    public static func problem(_ jwks: JSONValue) -> String? {
        guard let keys = jwks.objectValue?["keys"]?.arrayValue else {
            return "must be a JWK Set: an object with a keys array"
        }
        guard !keys.isEmpty else { return "must contain at least one key" }
        guard keys.count <= maximumKeys else { return "must contain at most \(maximumKeys) keys" }
        var kids = Set<String>()
        for (index, key) in keys.enumerated() {
            guard let members = key.objectValue else { return "key \(index) is not a JSON object" }
            guard let kty = members["kty"]?.stringValue else { return "key \(index) has no kty" }
            if privateMembers.contains(where: { members[$0] != nil }) {
                return "key \(index) contains private key material; register public keys only"
            }
            guard let required = publicMembers[kty] else {
                return "key \(index) has an unsupported kty (RSA, EC or OKP public keys only)"
            }
            for name in required {
                guard let value = members[name]?.stringValue, !value.isEmpty else {
                    return "key \(index) lacks \(name)"
                }
                if name != "crv", Data(base64URLEncoded: value) == nil {
                    return "key \(index) has a \(name) that is not base64url"
                }
            }
            if let kid = members["kid"] {
                guard let text = kid.stringValue, !text.isEmpty else { return "key \(index) has an invalid kid" }
                guard kids.insert(text).inserted else { return "key \(index) repeats kid \(text)" }
            }
        }
        return nil
    }
}
