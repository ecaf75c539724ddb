/// `prompt` (OIDC Core §3.1.2.1). Values must be known; `none` must stand alone ("If this
/// parameter contains none with any other value, an error is returned"). Whether `none` can be
/// answered depends on the browser's session, which the server decides (`SessionPolicy`).
enum CheckPrompt {
    static let known: Set<String> = ["none", "login", "consent", "select_account"]

    static func run(_ request: AuthorizationRequest) -> Result<Set<String>, OAuthError> {
        guard let prompt = request.prompt else { return .success([]) }
        let values = Set(prompt.split(separator: " ").map(String.init))
        guard values.isSubset(of: known) else { return .failure(.invalidRequest("unknown prompt value")) }
        if values.contains("none") && values.count > 1 {
            return .failure(.invalidRequest("prompt=none cannot be combined with other values"))
        }
        return .success(values)
    }
}
