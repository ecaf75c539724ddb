import Testing
@testable import OIDC

@Suite("Authorization code grant checks (RFC 6749 §4.1.3, RFC 7636 §4.6)")
struct AuthorizationCodeGrantTests {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    var code: AuthorizationCodeGrant.IssuedCode {
        .init(clientID: "client-a", redirectURI: "https://rp.example/cb", codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", codeChallengeMethod: "S256")
    }

    @Test("matching client, redirect_uri and verifier pass")
    func ok() {
        #expect(AuthorizationCodeGrant.check(code, client: TestClients.confidential, redirectURI: "https://rp.example/cb", codeVerifier: verifier) == nil)
    }

    @Test("another client's code → invalid_grant")
    func otherClient() {
        #expect(AuthorizationCodeGrant.check(code, client: TestClients.publicClient, redirectURI: "https://rp.example/cb", codeVerifier: verifier)
            == .invalidGrant("the code was issued to another client"))
    }

    @Test("redirect_uri missing or different → invalid_grant")
    func redirect() {
        #expect(AuthorizationCodeGrant.check(code, client: TestClients.confidential, redirectURI: nil, codeVerifier: verifier)
            == .invalidGrant("redirect_uri does not match the authorization request"))
        #expect(AuthorizationCodeGrant.check(code, client: TestClients.confidential, redirectURI: "https://rp.example/cb?bar=foo", codeVerifier: verifier)
            == .invalidGrant("redirect_uri does not match the authorization request"))
    }

    @Test("PKCE: missing or wrong verifier → invalid_grant")
    func pkce() {
        #expect(AuthorizationCodeGrant.check(code, client: TestClients.confidential, redirectURI: "https://rp.example/cb", codeVerifier: nil)
            == .invalidGrant("code_verifier is required"))
        #expect(AuthorizationCodeGrant.check(code, client: TestClients.confidential, redirectURI: "https://rp.example/cb", codeVerifier: verifier + "x")
            == .invalidGrant("PKCE verification failed"))
    }

    @Test("a verifier without a challenge is refused (RFC 9700 §2.1.1 downgrade)")
    func downgrade() {
        var noPKCE = code
        noPKCE.codeChallenge = nil
        #expect(AuthorizationCodeGrant.check(noPKCE, client: TestClients.confidential, redirectURI: "https://rp.example/cb", codeVerifier: verifier)
            == .invalidGrant("code_verifier sent but no code_challenge was used"))
    }
}
