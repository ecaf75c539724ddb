/// The `claims` parameter (OIDC Core §5.5) must be a JSON object with `userinfo` / `id_token`
/// objects; anything else is `invalid_request`.
enum CheckClaimsParameter {
    static func run(_ request: AuthorizationRequest) -> Result<ClaimsRequest?, OAuthError> {
        guard let text = request.claims else { return .success(nil) }
        guard let parsed = ClaimsRequest.parse(text) else {
            return .failure(.invalidRequest("claims must be a JSON object with userinfo and id_token objects"))
        }
        return .success(parsed)
    }
}
