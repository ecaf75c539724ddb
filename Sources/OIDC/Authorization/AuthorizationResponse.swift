import Foundation

/// Builds the redirect that carries an authorization response back to the client.
///
/// RFC 6749 §4.1.2: parameters are added "to the query component of the redirection URI using
/// the application/x-www-form-urlencoded format"; §3.1.2: the endpoint URI "MAY include an
/// application/x-www-form-urlencoded formatted … query component, which MUST be retained when
/// adding additional query parameters". RFC 9207 §2: `iss` is included in every response.
public enum AuthorizationResponse {
    /// A successful response: `code`, `state` (when sent) and `iss`.
    public static func success(redirectURI: String, code: String, state: String?, issuer: String) -> String {
        var parameters = [("code", code)]
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", issuer))
        return append(parameters, to: redirectURI)
    }

    /// An error response (RFC 6749 §4.1.2.1): `error`, `error_description`, `state`, `iss`; no `code`.
    public static func failure(redirectURI: String, error: OAuthError, state: String?, issuer: String) -> String {
        var parameters = [("error", error.error)]
        if let description = error.errorDescription { parameters.append(("error_description", description)) }
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", issuer))
        return append(parameters, to: redirectURI)
    }

    /// Appends form-encoded parameters to a URI's query, keeping any query it already has and
    /// placing them before a fragment (redirect URIs have none, but be safe).
    public static func append(_ parameters: [(String, String)], to uri: String) -> String {
        guard !parameters.isEmpty else { return uri }
        var base = uri
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = String(base[..<hash])
        }
        let encoded = parameters.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&")
        let separator: String
        if !base.contains("?") {
            separator = "?"
        } else if base.hasSuffix("?") || base.hasSuffix("&") {
            separator = ""
        } else {
            separator = "&"
        }
        return base + separator + encoded + fragment
    }
}
