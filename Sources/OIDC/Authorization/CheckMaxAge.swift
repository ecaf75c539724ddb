/// `max_age` (OIDC Core §3.1.2.1): "Maximum Authentication Age. Specifies the allowable elapsed
/// time in seconds since the last time the End-User was actively authenticated by the OP."
/// A non-negative integer; without it the client's registered `default_max_age` applies
/// (OIDC Registration §2).
enum CheckMaxAge {
    static func run(_ request: AuthorizationRequest, client: ClientDescription) -> Result<Int?, OAuthError> {
        guard let raw = request.maxAge else { return .success(client.metadata.defaultMaxAge) }
        guard raw.utf8.count <= 10, raw.allSatisfy(\.isASCII), let value = Int(raw), value >= 0 else {
            return .failure(.invalidRequest("max_age must be a non-negative integer"))
        }
        return .success(value)
    }
}
