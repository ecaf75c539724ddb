/// Why an authorization request was refused, and how the refusal must travel.
public enum AuthorizationFailure: Error, Sendable, Equatable {
    /// The client or redirect URI cannot be trusted: show an error page and never redirect
    /// (RFC 6749 §4.1.2.1: "the authorization server SHOULD inform the resource owner of the
    /// error and MUST NOT automatically redirect the user-agent to the invalid redirection URI").
    case errorPage(OAuthError)
    /// The redirect URI is trusted: send the error to the client there, with `state` and `iss`.
    case redirect(OAuthError, redirectURI: String, state: String?, responseMode: ResponseMode)
}
