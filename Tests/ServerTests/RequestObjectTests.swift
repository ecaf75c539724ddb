import Foundation
import OIDC
@testable import Server
import Storage
import Testing

/// Request Objects by value (`request`) and by reference (`request_uri`), OIDC Core §6, on a
/// real server.
@Suite("Request objects (OIDC Core §6)", .serialized)
struct RequestObjectTests {
    /// An authorization URL with only the OAuth parameters OIDC Core §6.1 still requires outside
    /// the object, plus `extra`.
    func url(_ p: TestProvider, _ rp: TestProvider.RP, _ extra: [(String, String)]) -> String {
        AuthorizationResponse.append([("client_id", rp.clientID), ("response_type", "code"), ("scope", "openid")] + extra, to: p.issuer + "/authorize")
    }

    func objectClaims(_ p: TestProvider, _ rp: TestProvider.RP, state: String = "inner-state", nonce: String = "inner-nonce") -> [String: JSONValue] {
        [
            "iss": .string(rp.clientID), "aud": .string(p.issuer), "client_id": .string(rp.clientID),
            "response_type": .string("code"), "redirect_uri": .string(rp.redirectURI), "scope": .string("openid profile"),
            "state": .string(state), "nonce": .string(nonce), "max_age": .number(3600),
            "exp": .number(p.clock.now().timeIntervalSince1970 + 300),
        ]
    }

    /// A code flow from `authorizeURL` to the ID token's claims; returns the RP redirect query too.
    func complete(_ p: TestProvider, _ rp: TestProvider.RP, _ authorizeURL: String) async throws -> (query: [String: String], idToken: [String: Any]) {
        let query = queryItems(try await p.browser.follow(authorizeURL, stopAt: rp.redirectURI).get())
        let code = try #require(query["code"], "\(query)")
        let token = try await p.token(rp, code: code)
        #expect(token.status == 200)
        let idToken = try #require(token.json["id_token"] as? String)
        return (query, try await p.verifyIDToken(idToken).raw)
    }

    func expectRedirectError(_ p: TestProvider, _ authorizeURL: String, _ error: String, _ description: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let page = try await p.browser.get(authorizeURL)
        #expect(page.status == 303, sourceLocation: sourceLocation)
        let query = try redirectQuery(page)
        #expect(query["error"] == error, sourceLocation: sourceLocation)
        #expect(query["error_description"] == description, sourceLocation: sourceLocation)
    }

    @Test("OIDC Core §6.3.3: a signed request object by value is used, and its values win over the query parameters")
    func signedByValue() async throws {
        try await TestProvider.run { p async throws in
            let signer = ClientSigner()
            let rp = try await p.registerObjectClient(jwks: signer.jwks)
            let jwt = try await signer.sign(objectClaims(p, rp))
            let result = try await complete(p, rp, url(p, rp, [("request", jwt), ("state", "outer-state"), ("nonce", "outer-nonce")]))
            #expect(result.query["state"] == "inner-state")
            #expect(result.idToken["nonce"] as? String == "inner-nonce")
        }
    }

    @Test("OIDC Core §6.1: request objects signed with RS256 and PS256 keys of the client's jwks")
    func rsaSignedObjects() async throws {
        try await TestProvider.run { p async throws in
            let rs256 = try RSAClientSigner(.rs256)
            let ps256 = try RSAClientSigner(.ps256)
            let rp = try await p.registerObjectClient(jwks: .object(["keys": .array([rs256.publicJWK, ps256.publicJWK])]))
            #expect(try await complete(p, rp, url(p, rp, [("request", try rs256.sign(objectClaims(p, rp, state: "rs")))])).query["state"] == "rs")
            #expect(try await complete(p, rp, url(p, rp, [("request", try ps256.sign(objectClaims(p, rp, state: "ps")))])).query["state"] == "ps")
        }
    }

    @Test("OIDC Core §6.1 alg none: an unsigned request object is accepted unless request_object_signing_alg requires a signature")
    func unsignedObjects() async throws {
        try await TestProvider.run { p async throws in
            let rp = try await p.registerObjectClient(jwks: nil)
            let result = try await complete(p, rp, url(p, rp, [("request", ClientSigner.unsigned(objectClaims(p, rp)))]))
            #expect(result.query["state"] == "inner-state")

            let signer = ClientSigner()
            let strict = try await p.registerObjectClient(jwks: signer.jwks, requestObjectSigningAlg: "ES256")
            try await expectRedirectError(p, url(p, strict, [("redirect_uri", strict.redirectURI), ("request", ClientSigner.unsigned(objectClaims(p, strict)))]),
                                          "invalid_request_object", "alg none is not accepted here (accepted: ES256)")
            _ = try await complete(p, strict, url(p, strict, [("request", try await signer.sign(objectClaims(p, strict)))]))
        }
    }

    @Test("OIDC Core §6.1 and RFC 9101 §6.3: a wrong signature, client_id, aud, expiry or nested request → invalid_request_object")
    func invalidObjects() async throws {
        try await TestProvider.run { p async throws in
            let signer = ClientSigner()
            let rp = try await p.registerObjectClient(jwks: signer.jwks)
            let base = [("redirect_uri", rp.redirectURI), ("state", "outer")]
            try await expectRedirectError(p, url(p, rp, base + [("request", try await ClientSigner().sign(objectClaims(p, rp)))]),
                                          "invalid_request_object", "the signature does not verify with the client's keys")
            var otherClient = objectClaims(p, rp)
            otherClient["client_id"] = .string("someone-else")
            try await expectRedirectError(p, url(p, rp, base + [("request", try await signer.sign(otherClient))]),
                                          "invalid_request_object", "client_id in the request object does not match the request")
            var wrongAud = objectClaims(p, rp)
            wrongAud["aud"] = .string("https://other-op.example")
            try await expectRedirectError(p, url(p, rp, base + [("request", try await signer.sign(wrongAud))]),
                                          "invalid_request_object", "aud in the request object must be the issuer")
            var expired = objectClaims(p, rp)
            expired["exp"] = .number(p.clock.now().timeIntervalSince1970 - 60)
            try await expectRedirectError(p, url(p, rp, base + [("request", try await signer.sign(expired))]),
                                          "invalid_request_object", "the request object has expired")
            var nested = objectClaims(p, rp)
            nested["request_uri"] = .string("https://rp.example/x")
            try await expectRedirectError(p, url(p, rp, base + [("request", try await signer.sign(nested))]),
                                          "invalid_request_object", "a request object must not contain request or request_uri")
            try await expectRedirectError(p, url(p, rp, base + [("request", "not-a-jwt")]),
                                          "invalid_request_object", "the request object is not a JWT (signed or unsigned; encrypted ones are not supported)")
            // Without a trustworthy redirect_uri outside the object, an error page.
            let page = try await p.browser.get(url(p, rp, [("request", "not-a-jwt")]))
            #expect(page.status == 400)
            #expect(page.body.contains("invalid_request_object"))
        }
    }

    @Test("OIDC Core §6.2: request_uri is fetched; dynamic clients only from their registered request_uris (fragment ignored)")
    func byReference() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            try await DocumentServer.run(p.http) { server in
                let signer = ClientSigner()
                // An administrator's client may use any request_uri (loopback http on this development issuer).
                let admin = try await p.registerObjectClient(jwks: signer.jwks)
                server.set("/admin.jwt", try await signer.sign(objectClaims(p, admin)), contentType: "application/oauth-authz-req+jwt")
                let viaURI = try await complete(p, admin, url(p, admin, [("request_uri", server.url("/admin.jwt"))]))
                #expect(viaURI.query["state"] == "inner-state")
                #expect(server.requests("/admin.jwt") == 1)
                try await expectRedirectError(p, url(p, admin, [("redirect_uri", admin.redirectURI), ("request_uri", server.url("/missing.jwt"))]),
                                              "invalid_request_uri", "the request object could not be retrieved from request_uri")

                let registered = server.url("/dynamic.jwt")
                let json = try await Registration.registered(p, #"{"redirect_uris":["https://rp.example/cb"],"jwks":\#(signer.jwks.serialized),"request_uris":["\#(registered)"]}"#)
                #expect(json["request_uris"] as? [String] == [registered])
                let dynamic = try Registration.rp(json)
                server.set("/dynamic.jwt", try await signer.sign(objectClaims(p, dynamic)))
                _ = try await complete(p, dynamic, url(p, dynamic, [("request_uri", registered + "#v1")]))
                try await expectRedirectError(p, url(p, dynamic, [("redirect_uri", dynamic.redirectURI), ("request_uri", server.url("/admin.jwt"))]),
                                              "invalid_request_uri", "request_uri is not registered for this client")
                let badRegistration = try await Registration.register(p, #"{"redirect_uris":["https://rp.example/cb"],"request_uris":["http://rp.example/ro.jwt"]}"#)
                #expect(badRegistration.status == 400)
                #expect(badRegistration.errorDescription == "request_uris[0] must use https")
            }
        }
    }

    @Test("OIDC Core §6.1/§6.2: with request objects turned off, request_not_supported / request_uri_not_supported, and discovery says so; pushed requests still work")
    func turnedOff() async throws {
        var options = TestProvider.Options()
        options.adjustSettings = { $0.requestObjectByValue = false; $0.requestObjectByReference = false }
        try await TestProvider.run(options) { p async throws in
            let rp = try await p.registerObjectClient(jwks: nil)
            let base = [("redirect_uri", rp.redirectURI), ("state", "outer")]
            try await expectRedirectError(p, url(p, rp, base + [("request", ClientSigner.unsigned(objectClaims(p, rp)))]),
                                          "request_not_supported", "the request parameter is not supported")
            try await expectRedirectError(p, url(p, rp, base + [("request_uri", "https://rp.example/request.jwt")]),
                                          "request_uri_not_supported", "the request_uri parameter is not supported")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(try await p.browser.get(p.issuer + "/.well-known/openid-configuration").body.utf8)) as? [String: Any])
            #expect(doc["request_parameter_supported"] as? Bool == false)
            #expect(doc["request_uri_parameter_supported"] as? Bool == false)
            #expect(doc["request_object_signing_alg_values_supported"] == nil)
            let pushed = try await p.postWithBasic(rp, path: "/par", form: [("response_type", "code"), ("redirect_uri", rp.redirectURI), ("scope", "openid")])
            let requestURI = try #require(pushed.json["request_uri"] as? String)
            let query = queryItems(try await p.browser.follow(
                AuthorizationResponse.append([("client_id", rp.clientID), ("request_uri", requestURI)], to: p.issuer + "/authorize"), stopAt: rp.redirectURI).get())
            #expect(query["code"] != nil)
            let pushedObject = try await p.postWithBasic(rp, path: "/par", form: [("request", ClientSigner.unsigned(objectClaims(p, rp)))])
            #expect(pushedObject.json["error"] as? String == "request_not_supported")
        }
    }

    @Test("OIDC Discovery §3: request objects advertised as they are supported")
    func discovery() async throws {
        try await TestProvider.run { p async throws in
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(try await p.browser.get(p.issuer + "/.well-known/openid-configuration").body.utf8)) as? [String: Any])
            #expect(doc["request_parameter_supported"] as? Bool == true)
            #expect(doc["request_uri_parameter_supported"] as? Bool == true)
            #expect(doc["require_request_uri_registration"] as? Bool == false)
            #expect(doc["request_object_signing_alg_values_supported"] as? [String] == ["RS256", "PS256", "ES256", "none"])
        }
    }
}

extension TestProvider {
    /// A confidential client registered by the administrator with public keys for its request objects.
    func registerObjectClient(jwks: JSONValue?, requestObjectSigningAlg: String? = nil) async throws -> RP {
        let request = ClientMetadataRequest(
            redirectURIs: ["https://rp.example/cb"], grantTypes: ["authorization_code", "refresh_token"], clientName: "request object rp",
            jwks: jwks, requestObjectSigningAlg: requestObjectSigningAlg
        )
        let registered = try await registry.register(request, origin: .admin)
        return RP(clientID: registered.client.id, secret: registered.secret, redirectURI: "https://rp.example/cb")
    }
}
