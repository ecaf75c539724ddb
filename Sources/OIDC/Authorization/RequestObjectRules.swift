import Foundation

/// The rules of a Request Object (OIDC Core §6.1, §6.3; RFC 9101 §4 and §6.3), after its
/// signature verified: which claims must hold which values, and how its claims become the
/// parameters of the authorization request.
public enum RequestObjectRules {
    /// `request_object_signing_alg` values accepted: the client's keys, or unsigned.
    public static let signingAlgorithms = SigningAlgorithm.allCases.map(\.jwsName) + ["none"]
    /// RFC 9126 §2.2: the prefix of the `request_uri` of a pushed authorization request.
    public static let pushedRequestURIPrefix = "urn:ietf:params:oauth:request_uri:"
    public static let leeway: TimeInterval = 30

    /// The authorization request parameters: `query` (without `request` and `request_uri`)
    /// overridden by the object's claims — OIDC Core §6.3.3: "the OP MUST use the values in
    /// the Request Object" — or `invalid_request_object`.
    ///
    /// - Parameters:
    ///   - clientID: the `client_id` the request names (and whose keys verified the object).
    ///   - issuer: this provider, the only accepted `aud`.
    public static func merge(
        claims: [String: JSONValue], query: [(name: String, value: String)], clientID: String, issuer: String, now: Date
    ) -> Result<[(name: String, value: String)], OAuthError> {
        // OIDC Core §6.1: "The request and request_uri parameters MUST NOT be included in
        // Request Objects."
        if claims["request"] != nil || claims["request_uri"] != nil {
            return .failure(.invalidRequestObject("a request object must not contain request or request_uri"))
        }
        // RFC 9101 §6.3: "The client ID values in the client_id request parameter and in the
        // Request Object client_id claim MUST be identical."
        if let objectClientID = claims["client_id"], objectClientID.stringValue != clientID {
            return .failure(.invalidRequestObject("client_id in the request object does not match the request"))
        }
        // OIDC Core §6.1: "If signed, the Request Object SHOULD contain the Claims iss (issuer)
        // and aud (audience) as members. The iss value SHOULD be the Client ID of the RP … The
        // aud value SHOULD be or include the OP's Issuer Identifier URL."
        if let iss = claims["iss"], iss.stringValue != clientID {
            return .failure(.invalidRequestObject("iss in the request object must be the client_id"))
        }
        if let aud = claims["aud"] {
            let values: [String] = switch aud {
            case .string(let value): [value]
            case .array(let items): items.compactMap(\.stringValue)
            default: []
            }
            guard values.contains(issuer) else {
                return .failure(.invalidRequestObject("aud in the request object must be the issuer"))
            }
        }
        let seconds = now.timeIntervalSince1970
        if let exp = claims["exp"] {
            guard case .number(let value) = exp, seconds < value + leeway else {
                return .failure(.invalidRequestObject("the request object has expired"))
            }
        }
        if let nbf = claims["nbf"] {
            guard case .number(let value) = nbf, value <= seconds + leeway else {
                return .failure(.invalidRequestObject("the request object is not valid yet"))
            }
        }
        // JWT claims that are not authorization request parameters.
        let jwtOnly: Set<String> = ["iss", "aud", "exp", "nbf", "iat", "jti", "sub"]
        var overridden: [(name: String, value: String)] = []
        for (name, value) in claims.sorted(by: { $0.key < $1.key }) where !jwtOnly.contains(name) {
            guard let text = parameterValue(value) else { continue }
            overridden.append((name, text))
        }
        let replaced = Set(overridden.map(\.name))
        let kept = query.filter { $0.name != "request" && $0.name != "request_uri" && !replaced.contains($0.name) }
        return .success(kept + overridden)
    }

    /// A claim as a request parameter: strings as they are, numbers and booleans as text, JSON
    /// objects and arrays (e.g. `claims`, OIDC Core §5.5) serialized; `null` is omitted.
    static func parameterValue(_ value: JSONValue) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return String(Int(number)) }
            return String(number)
        case .array, .object: return value.serialized
        }
    }

    /// Whether `uri` equals one of `registered` once fragments are dropped (OIDC Core §6.2:
    /// the fragment only identifies the content).
    public static func isRegistered(_ uri: String, in registered: [String]) -> Bool {
        let bare = uri.prefix { $0 != "#" }
        return registered.contains { $0.prefix { $0 != "#" } == bare }
    }
}
