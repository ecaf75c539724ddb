/// The checks of the authorization code grant at the token endpoint (RFC 6749 §4.1.3), once
/// the client is authenticated and the code has been atomically consumed.
public enum AuthorizationCodeGrant {
    /// What the code remembers of its authorization request.
    public struct IssuedCode: Sendable, Equatable {
        public var clientID: String
        public var redirectURI: String
        public var codeChallenge: String?
        public var codeChallengeMethod: String?

        public init(clientID: String, redirectURI: String, codeChallenge: String?, codeChallengeMethod: String?) {
            self.clientID = clientID
            self.redirectURI = redirectURI
            self.codeChallenge = codeChallenge
            self.codeChallengeMethod = codeChallengeMethod
        }
    }

    /// Returns the error to send, or `nil` when the exchange may proceed.
    public static func check(
        _ code: IssuedCode, client: ClientDescription, redirectURI: String?, codeVerifier: String?
    ) -> OAuthError? {
        // RFC 6749 §4.1.3: "ensure that the authorization code was issued to the authenticated
        // confidential client, or if the client is public, ensure that the code was issued to
        // "client_id" in the request".
        guard code.clientID == client.id else {
            return .invalidGrant("the code was issued to another client")
        }
        // RFC 6749 §4.1.3: "ensure that the "redirect_uri" parameter is present if the
        // "redirect_uri" parameter was included in the initial authorization request …, and if
        // included ensure that their values are identical."
        guard redirectURI == code.redirectURI else {
            return .invalidGrant("redirect_uri does not match the authorization request")
        }
        if let challenge = code.codeChallenge {
            // RFC 7636 §4.6: compare; on failure "invalid_grant".
            guard let verifier = codeVerifier else {
                return .invalidGrant("code_verifier is required")
            }
            guard PKCE.verify(verifier: verifier, challenge: challenge, method: code.codeChallengeMethod ?? "S256") else {
                return .invalidGrant("PKCE verification failed")
            }
        } else if codeVerifier != nil {
            // RFC 9700 §2.1.1: the server must reject a code_verifier when the authorization
            // request carried no code_challenge (PKCE downgrade).
            return .invalidGrant("code_verifier sent but no code_challenge was used")
        }
        return nil
    }
}
