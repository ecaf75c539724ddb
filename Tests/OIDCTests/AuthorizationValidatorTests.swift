import Testing
@testable import OIDC

@Suite("Authorization request checks (OIDC Core §3.1.2.1, RFC 6749 §4.1.2.1)")
struct AuthorizationValidatorTests {
    let v = TestClients.validator

    func failure(_ pairs: [(String, String)], client: ClientDescription? = TestClients.confidential) -> AuthorizationFailure? {
        if case .failure(let f) = v.validate(TestClients.request(pairs), client: client) { return f }
        return nil
    }

    @Test("a valid request passes; unknown parameters are ignored; unsupported scopes are dropped")
    func valid() throws {
        let request = TestClients.request(TestClients.base([("foo", "bar"), ("scope", "profile email openid wechat")]).filter { $0.0 != "scope" || $0.1.contains("email") })
        let result = try v.validate(request, client: TestClients.confidential).get()
        #expect(result.scopes == ["profile", "openid", "wechat"])
        #expect(result.state == "xyz")
        #expect(result.redirectURI == "https://rp.example/cb")
    }

    @Test("unknown client_id → error page, never a redirect")
    func unknownClient() {
        #expect(failure(TestClients.base(), client: nil) == .errorPage(.invalidClient("unknown client_id")))
    }

    @Test("missing client_id → error page")
    func missingClient() {
        #expect(failure(TestClients.base().filter { $0.0 != "client_id" }) == .errorPage(.invalidRequest("client_id is missing")))
    }

    @Test("unregistered redirect_uri → error page (oidcc-ensure-registered-redirect-uri)")
    func unregisteredRedirect() {
        let pairs = TestClients.base().map { $0.0 == "redirect_uri" ? ($0.0, "https://evil.example/cb") : $0 }
        #expect(failure(pairs) == .errorPage(.invalidRequest("redirect_uri is not registered for this client")))
    }

    @Test("redirect_uri must match exactly: trailing slash, case and added query are refused")
    func exactMatch() {
        for uri in ["https://rp.example/cb/", "https://RP.example/cb", "https://rp.example/cb?bar=foo&x=1", "https://rp.example/cb#x"] {
            let pairs = TestClients.base().map { $0.0 == "redirect_uri" ? ($0.0, uri) : $0 }
            #expect(failure(pairs) == .errorPage(.invalidRequest("redirect_uri is not registered for this client")), "\(uri)")
        }
    }

    @Test("registered redirect_uri with a query is accepted")
    func registeredQuery() throws {
        let pairs = TestClients.base().map { $0.0 == "redirect_uri" ? ($0.0, "https://rp.example/cb?bar=foo") : $0 }
        #expect(try v.validate(TestClients.request(pairs), client: TestClients.confidential).get().redirectURI == "https://rp.example/cb?bar=foo")
    }

    @Test("missing response_type → invalid_request redirect with state (oidcc-response-type-missing)")
    func missingResponseType() {
        #expect(failure(TestClients.base().filter { $0.0 != "response_type" })
            == .redirect(.invalidRequest("response_type is missing"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
    }

    @Test("response_type=token → unsupported_response_type")
    func tokenResponseType() {
        let pairs = TestClients.base().map { $0.0 == "response_type" ? ($0.0, "token") : $0 }
        #expect(failure(pairs) == .redirect(.unsupportedResponseType("only response_type=code is supported"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
    }

    @Test("scope without openid → invalid_scope")
    func noOpenID() {
        let pairs = TestClients.base().map { $0.0 == "scope" ? ($0.0, "profile") : $0 }
        #expect(failure(pairs) == .redirect(.invalidScope("the openid scope is required"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
    }

    @Test("repeated parameter → invalid_request (RFC 6749 §3.1)")
    func repeated() {
        #expect(failure(TestClients.base([("scope", "openid")]))
            == .redirect(.invalidRequest("parameter scope was sent more than once"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
    }

    @Test("public client without PKCE → invalid_request (RFC 9700 §2.1.1)")
    func publicNeedsPKCE() {
        #expect(failure(TestClients.base(client: TestClients.publicClient), client: TestClients.publicClient)
            == .redirect(.invalidRequest("PKCE with code_challenge_method=S256 is required for public clients"), redirectURI: "http://127.0.0.1:7000/cb", state: "xyz", responseMode: .query))
    }

    @Test("plain PKCE and malformed challenges are refused (RFC 7636 §4.4.1)")
    func pkceMethod() {
        let plain = failure(TestClients.base([("code_challenge", TestClients.challenge), ("code_challenge_method", "plain")]))
        #expect(plain == .redirect(.invalidRequest("only code_challenge_method=S256 is supported"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
        let implicitPlain = failure(TestClients.base([("code_challenge", TestClients.challenge)]))
        #expect(implicitPlain == .redirect(.invalidRequest("only code_challenge_method=S256 is supported"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
        let short = failure(TestClients.base([("code_challenge", "abc"), ("code_challenge_method", "S256")]))
        #expect(short == .redirect(.invalidRequest("code_challenge is not a valid S256 challenge"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
    }

    @Test("S256 PKCE is accepted for a public client")
    func pkceOK() throws {
        let request = TestClients.request(TestClients.base([("code_challenge", TestClients.challenge), ("code_challenge_method", "S256")], client: TestClients.publicClient))
        let ok = try v.validate(request, client: TestClients.publicClient).get()
        #expect(ok.codeChallenge == TestClients.challenge)
        #expect(ok.codeChallengeMethod == "S256")
    }

    @Test("prompt=none passes validation; whether a session answers it is SessionPolicy's call (OIDC Core §3.1.2.1)")
    func promptNone() throws {
        let ok = try v.validate(TestClients.request(TestClients.base([("prompt", "none")])), client: TestClients.confidential).get()
        #expect(ok.prompt == ["none"])
        #expect(failure(TestClients.base([("prompt", "none login")]))
            == .redirect(.invalidRequest("prompt=none cannot be combined with other values"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
    }

    @Test("request and request_uri → request_not_supported / request_uri_not_supported (OIDC Core §6)")
    func requestObjects() {
        #expect(failure(TestClients.base([("request", "eyJ.eyJ.")]))
            == .redirect(.requestNotSupported("the request parameter is not supported"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
        #expect(failure(TestClients.base([("request_uri", "https://rp.example/r")]))
            == .redirect(.requestURINotSupported("the request_uri parameter is not supported"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
    }

    @Test("empty parameters count as absent (OIDC Core §3.1.2.1)")
    func emptyIsAbsent() {
        let pairs = TestClients.base().map { $0.0 == "response_type" ? ($0.0, "") : $0 }
        #expect(failure(pairs) == .redirect(.invalidRequest("response_type is missing"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
    }

    @Test("oversized parameter → invalid_request")
    func oversized() {
        let big = String(repeating: "n", count: AuthorizationRequest.maximumParameterLength + 1)
        #expect(failure(TestClients.base([("nonce", big)]))
            == .redirect(.invalidRequest("parameter nonce is too long"), redirectURI: "https://rp.example/cb", state: "xyz", responseMode: .query))
    }
}
