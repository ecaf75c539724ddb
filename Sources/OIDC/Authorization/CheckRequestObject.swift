/// Request objects are not supported yet; OIDC Core §6.1/§6.2 name the errors to return, and
/// discovery says `request_parameter_supported: false`, `request_uri_parameter_supported: false`.
enum CheckRequestObject {
    static func run(_ request: AuthorizationRequest) -> OAuthError? {
        if request.request != nil { return .requestNotSupported("the request parameter is not supported") }
        if request.requestURI != nil { return .requestURINotSupported("the request_uri parameter is not supported") }
        return nil
    }
}
