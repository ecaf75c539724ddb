/// `request` and `request_uri` must be resolved before validation: the server turns a Request
/// Object (OIDC Core §6) or a pushed request (RFC 9126) into plain parameters first. A request
/// that still carries either here comes from a caller that does not resolve them, and gets the
/// errors OIDC Core §6.1/§6.2 name for a provider that does not support them.
enum CheckRequestObject {
    static func run(_ request: AuthorizationRequest) -> OAuthError? {
        if request.request != nil { return .requestNotSupported("the request parameter is not supported") }
        if request.requestURI != nil { return .requestURINotSupported("the request_uri parameter is not supported") }
        return nil
    }
}
