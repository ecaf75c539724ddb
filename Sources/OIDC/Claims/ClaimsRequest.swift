import Foundation

/// The `claims` authorization request parameter (OIDC Core §5.5): which individual claims the
/// client wants in the ID token and from the userinfo endpoint, beyond what the scopes release.
///
/// "The claims parameter value is represented in an OAuth 2.0 request as UTF-8 encoded JSON";
/// its `userinfo` and `id_token` members are objects whose member names are claim names and whose
/// values are `null` or an object with `essential`, `value` or `values` (§5.5.1).
public struct ClaimsRequest: Sendable, Equatable {
    /// How one claim is requested (OIDC Core §5.5.1). `nil` members mean "not said".
    public struct Requirement: Sendable, Equatable {
        public var essential: Bool?
        /// String `value` / `values` only; other JSON types are kept out (no claim we release
        /// has another type).
        public var values: [String]
    }

    public var userinfo: [String: Requirement]
    public var idToken: [String: Requirement]
    /// The parameter as sent, kept verbatim so it can travel with the grant.
    public var json: String

    /// Parses the parameter; `nil` when it is not a JSON object whose `userinfo` and `id_token`
    /// members (when present) are objects of `null`s and objects — an `invalid_request`.
    public static func parse(_ text: String) -> ClaimsRequest? {
        guard let data = text.data(using: .utf8),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        guard let userinfo = members(root["userinfo"]), let idToken = members(root["id_token"]) else { return nil }
        return ClaimsRequest(userinfo: userinfo, idToken: idToken, json: text)
    }

    private static func members(_ value: Any?) -> [String: Requirement]? {
        guard let value, !(value is NSNull) else { return [:] }
        guard let object = value as? [String: Any] else { return nil }
        var result: [String: Requirement] = [:]
        for (name, spec) in object {
            if spec is NSNull {
                result[name] = Requirement(essential: nil, values: [])
                continue
            }
            guard let spec = spec as? [String: Any] else { return nil }
            var requirement = Requirement(essential: nil, values: [])
            if let essential = spec["essential"] {
                guard let flag = essential as? Bool else { return nil }
                requirement.essential = flag
            }
            if let single = spec["value"] as? String { requirement.values.append(single) }
            if let many = spec["values"] as? [Any] { requirement.values += many.compactMap { $0 as? String } }
            result[name] = requirement
        }
        return result
    }

    /// The `acr` values the client asked for through `id_token.acr` (OIDC Core §5.5.1.1).
    public var requestedACRs: [String] { idToken["acr"]?.values ?? [] }
}
