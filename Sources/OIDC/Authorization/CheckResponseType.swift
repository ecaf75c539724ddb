/// Only the authorization code flow: `response_type=code` (OIDC Core §3.1.2.1; RFC 6749
/// §4.1.2.1 `unsupported_response_type`).
enum CheckResponseType {
    static func run(_ request: AuthorizationRequest) -> OAuthError? {
        guard let type = request.responseType else {
            return .invalidRequest("response_type is missing")
        }
        guard type == "code" else {
            return .unsupportedResponseType("only response_type=code is supported")
        }
        return nil
    }
}
