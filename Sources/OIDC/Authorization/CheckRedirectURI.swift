/// `redirect_uri` is required and must exactly equal a registered one (OIDC Core §3.1.2.1:
/// "This URI MUST exactly match one of the Redirection URI values for the Client pre-registered
/// at the OpenID Provider, with the matching performed as described in Section 6.2.1 of
/// [RFC3986] (Simple String Comparison)"; RFC 9700 §4.1.3: exact matching).
enum CheckRedirectURI {
    static func run(_ request: AuthorizationRequest, client: ClientDescription) -> Result<String, OAuthError> {
        if request.repeatedParameters.contains("redirect_uri") {
            return .failure(.invalidRequest("redirect_uri was sent more than once"))
        }
        guard let uri = request.redirectURI else {
            return .failure(.invalidRequest("redirect_uri is missing"))
        }
        guard client.redirectURIs.contains(uri) else {
            return .failure(.invalidRequest("redirect_uri is not registered for this client"))
        }
        return .success(uri)
    }
}
