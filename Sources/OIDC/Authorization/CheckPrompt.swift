/// `prompt` (OIDC Core §3.1.2.1). Values must be known; `none` must stand alone ("If this
/// parameter contains none with any other value, an error is returned"). Every login goes
/// through WeChat, so `none` gets `login_required` (OIDC Core §3.1.2.6).
enum CheckPrompt {
    static let known: Set<String> = ["none", "login", "consent", "select_account"]

    static func run(_ request: AuthorizationRequest) -> OAuthError? {
        guard let prompt = request.prompt else { return nil }
        let values = Set(prompt.split(separator: " ").map(String.init))
        guard values.isSubset(of: known) else { return .invalidRequest("unknown prompt value") }
        if values.contains("none") {
            if values.count > 1 { return .invalidRequest("prompt=none cannot be combined with other values") }
            return .loginRequired("no signed-in session; the user must sign in with WeChat")
        }
        return nil
    }
}
