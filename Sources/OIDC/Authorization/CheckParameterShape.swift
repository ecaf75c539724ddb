/// Parameters must not repeat (RFC 6749 §3.1: "Request and response parameters MUST NOT be
/// included more than once") and must stay within a sane size.
enum CheckParameterShape {
    static func run(_ request: AuthorizationRequest) -> OAuthError? {
        if let name = request.repeatedParameters.sorted().first {
            return .invalidRequest("parameter \(name) was sent more than once")
        }
        if let name = request.oversizedParameters.sorted().first {
            return .invalidRequest("parameter \(name) is too long")
        }
        return nil
    }
}
