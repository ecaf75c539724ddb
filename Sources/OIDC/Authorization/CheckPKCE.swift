/// PKCE (RFC 7636). Only `S256` is accepted (RFC 9700 §2.1.1: "Authorization servers MUST
/// support PKCE … SHOULD use S256"), and public clients must use it (RFC 9700 §2.1.1: "Public
/// clients MUST use PKCE"). An S256 challenge is BASE64URL(SHA256(verifier)): 43 characters
/// (RFC 7636 §4.2).
enum CheckPKCE {
    static func run(_ request: AuthorizationRequest, client: ClientDescription) -> OAuthError? {
        guard let challenge = request.codeChallenge else {
            if request.codeChallengeMethod != nil {
                return .invalidRequest("code_challenge_method without code_challenge")
            }
            if client.isPublic {
                return .invalidRequest("PKCE with code_challenge_method=S256 is required for public clients")
            }
            return nil
        }
        let method = request.codeChallengeMethod ?? "plain"
        guard method == "S256" else {
            // RFC 7636 §4.4.1: "transform algorithm not supported".
            return .invalidRequest("only code_challenge_method=S256 is supported")
        }
        guard PKCE.isValidS256Challenge(challenge) else {
            return .invalidRequest("code_challenge is not a valid S256 challenge")
        }
        return nil
    }
}
