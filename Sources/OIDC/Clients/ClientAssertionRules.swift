import Foundation

/// The claims of a client assertion (RFC 7523 §3, OIDC Core §9 for `client_secret_jwt` and
/// `private_key_jwt`), checked after its signature verified.
public enum ClientAssertionRules {
    /// RFC 7523 §4: `client_assertion_type` for a JWT.
    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// Clock skew tolerated for `exp` and `nbf` (RFC 7519 §4.1.4: "some small leeway").
    public static let leeway: TimeInterval = 30

    /// What the replay check needs.
    public struct Accepted: Sendable, Equatable {
        public var jti: String
        public var expiresAt: Date
    }

    /// - Parameters:
    ///   - audiences: the values `aud` may hold (the issuer, the token endpoint URL, the URL of
    ///     the endpoint being called).
    public static func check(
        _ claims: [String: JSONValue], clientID: String, audiences: Set<String>, now: Date
    ) -> Result<Accepted, OAuthError> {
        // OIDC Core §9: "iss REQUIRED. Issuer. This MUST contain the client_id of the OAuth
        // Client." "sub REQUIRED. Subject. This MUST contain the client_id of the OAuth Client."
        guard claims["iss"]?.stringValue == clientID else {
            return .failure(.invalidClient("the client assertion's iss must be the client_id"))
        }
        guard claims["sub"]?.stringValue == clientID else {
            return .failure(.invalidClient("the client assertion's sub must be the client_id"))
        }
        // "aud REQUIRED. Audience. … The Audience SHOULD be the URL of the Authorization
        // Server's Token Endpoint." RFC 7523 §3 item 3: the issuer identifies it too.
        let aud: [String]
        switch claims["aud"] {
        case .string(let value): aud = [value]
        case .array(let values): aud = values.compactMap(\.stringValue)
        default: aud = []
        }
        guard aud.contains(where: audiences.contains) else {
            return .failure(.invalidClient("the client assertion's aud must be the issuer or the token endpoint URL"))
        }
        // "exp REQUIRED. Expiration time on or after which the JWT MUST NOT be accepted".
        guard case .number(let exp)? = claims["exp"] else {
            return .failure(.invalidClient("the client assertion has no exp"))
        }
        let expiresAt = Date(timeIntervalSince1970: exp)
        guard now.timeIntervalSince1970 < exp + leeway else {
            return .failure(.invalidClient("the client assertion has expired"))
        }
        // RFC 7523 §3 item 5: "The JWT MAY contain an nbf … MUST NOT accept the JWT before it".
        if let nbf = claims["nbf"] {
            guard case .number(let value) = nbf, value <= now.timeIntervalSince1970 + leeway else {
                return .failure(.invalidClient("the client assertion is not valid yet"))
            }
        }
        // OIDC Core §9: "jti REQUIRED. JWT ID. … The JWT MUST NOT be reused".
        guard let jti = claims["jti"]?.stringValue, !jti.isEmpty, jti.utf8.count <= 256 else {
            return .failure(.invalidClient("the client assertion has no jti"))
        }
        return .success(Accepted(jti: jti, expiresAt: max(expiresAt, now).addingTimeInterval(leeway)))
    }
}
