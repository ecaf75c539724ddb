/// `response_mode` must be one this server supports (OAuth 2.0 Multiple Response Type Encoding
/// Practices §2.1); the default for `code` is `query`.
enum CheckResponseMode {
    static func run(_ request: AuthorizationRequest) -> Result<ResponseMode, OAuthError> {
        guard let value = request.responseMode else { return .success(.query) }
        guard let mode = ResponseMode(rawValue: value) else {
            return .failure(.invalidRequest("unsupported response_mode"))
        }
        return .success(mode)
    }
}
