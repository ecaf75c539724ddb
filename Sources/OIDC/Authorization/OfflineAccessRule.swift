/// `offline_access` (OIDC Core §11): "the OP MUST ensure that the prompt parameter contains
/// consent unless other conditions for processing the request permitting offline access to the
/// requested resources are known", and "The Authorization Server MUST ignore the offline_access
/// request unless the Client is using a response_type value that would result in an
/// Authorization Code being returned". This provider grants it when `prompt` contains
/// `consent` (the WeChat confirmation that follows is the user's consent) and the client may use
/// the `refresh_token` grant; otherwise the scope is dropped, not refused.
enum OfflineAccessRule {
    static let scope = "offline_access"

    static func apply(scopes: [String], prompt: Set<String>, client: ClientDescription) -> [String] {
        guard scopes.contains(scope) else { return scopes }
        if prompt.contains("consent") && client.allows(grantType: "refresh_token") { return scopes }
        return scopes.filter { $0 != scope }
    }
}
