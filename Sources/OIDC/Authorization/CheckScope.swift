/// `scope` must contain `openid` (OIDC Core §3.1.2.1: "If the openid scope value is not
/// present, the behavior is entirely unspecified" — we refuse with `invalid_scope`); scope
/// values this server does not support are ignored (OIDC Core §5.4, RFC 6749 §3.3).
enum CheckScope {
    static func run(_ request: AuthorizationRequest, supported: Set<String>) -> Result<[String], OAuthError> {
        let requested = (request.scope ?? "").split(separator: " ").map(String.init)
        guard requested.contains("openid") else {
            return .failure(.invalidScope("the openid scope is required"))
        }
        var seen = Set<String>()
        let granted = requested.filter { supported.contains($0) && seen.insert($0).inserted }
        return .success(granted)
    }
}
