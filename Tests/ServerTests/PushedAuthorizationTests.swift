import Foundation
import OIDC
@testable import Server
import Storage
import Testing

/// OAuth 2.0 Pushed Authorization Requests (RFC 9126) on a real server.
@Suite("Pushed authorization requests (RFC 9126)", .serialized)
struct PushedAuthorizationTests {
    func push(_ p: TestProvider, _ rp: TestProvider.RP, _ extra: [(String, String)] = [], state: String = "pushed-state") async throws -> (status: Int, json: [String: Any]) {
        try await p.postWithBasic(rp, path: "/par", form: [
            ("response_type", "code"), ("client_id", rp.clientID), ("redirect_uri", rp.redirectURI),
            ("scope", "openid profile"), ("state", state), ("nonce", "pushed-nonce"),
        ] + extra)
    }

    func authorizeURL(_ p: TestProvider, _ rp: TestProvider.RP, requestURI: String) -> String {
        AuthorizationResponse.append([("client_id", rp.clientID), ("request_uri", requestURI)], to: p.issuer + "/authorize")
    }

    @Test("RFC 9126 §2.2 and §4: 201 with a request_uri and expires_in; the authorization endpoint uses it once")
    func pushAndUseOnce() async throws {
        try await TestProvider.run { p async throws in
            let rp = try await p.registerClient()
            let pushed = try await push(p, rp)
            #expect(pushed.status == 201)
            let requestURI = try #require(pushed.json["request_uri"] as? String)
            #expect(requestURI.hasPrefix("urn:ietf:params:oauth:request_uri:"))
            #expect(pushed.json["expires_in"] as? Int == 60)
            let query = queryItems(try await p.browser.follow(authorizeURL(p, rp, requestURI: requestURI), stopAt: rp.redirectURI).get())
            #expect(query["state"] == "pushed-state")
            let token = try await p.token(rp, code: try #require(query["code"]))
            #expect(try await p.verifyIDToken(try #require(token.json["id_token"] as? String)).raw["nonce"] as? String == "pushed-nonce")
            // Single use.
            let again = try await p.browser.get(authorizeURL(p, rp, requestURI: requestURI))
            #expect(again.status == 400)
            #expect(again.body.contains("invalid_request_uri"))
        }
    }

    @Test("RFC 9126 §4: a request_uri is bound to its client and expires after par.lifetime")
    func boundAndExpiring() async throws {
        try await TestProvider.run { p async throws in
            let rp = try await p.registerClient()
            let other = try await p.registerClient()
            let stolen = try #require(try await push(p, rp).json["request_uri"] as? String)
            let page = try await p.browser.get(authorizeURL(p, other, requestURI: stolen))
            #expect(page.status == 400)
            #expect(page.body.contains("invalid_request_uri"))
            // The attempt did not use up the owner's request.
            _ = try await p.browser.follow(authorizeURL(p, rp, requestURI: stolen), stopAt: rp.redirectURI).get()
            let expiring = try #require(try await push(p, rp).json["request_uri"] as? String)
            p.clock.advance(seconds: 61)
            let expired = try await p.browser.get(authorizeURL(p, rp, requestURI: expiring))
            #expect(expired.status == 400)
            #expect(expired.body.contains("invalid_request_uri"))
        }
    }

    @Test("RFC 9126 §2.1 and §2.3: the push is authenticated and validated like an authorization request; errors as JSON")
    func pushErrors() async throws {
        try await TestProvider.run { p async throws in
            let rp = try await p.registerClient()
            let badRedirect = try await p.postWithBasic(rp, path: "/par", form: [("response_type", "code"), ("redirect_uri", "https://evil.example/cb"), ("scope", "openid")])
            #expect(badRedirect.status == 400)
            #expect(badRedirect.json["error"] as? String == "invalid_request")
            #expect(badRedirect.json["error_description"] as? String == "redirect_uri is not registered for this client")
            let withRequestURI = try await push(p, rp, [("request_uri", "urn:ietf:params:oauth:request_uri:x")])
            #expect(withRequestURI.status == 400)
            #expect(withRequestURI.json["error_description"] as? String == "request_uri must not be pushed")
            let badType = try await p.postWithBasic(rp, path: "/par", form: [("response_type", "token"), ("redirect_uri", rp.redirectURI), ("scope", "openid")])
            #expect(badType.json["error"] as? String == "unsupported_response_type")
            let wrongSecret = TestProvider.RP(clientID: rp.clientID, secret: "wrong", redirectURI: rp.redirectURI)
            let unauthenticated = try await push(p, wrongSecret)
            #expect(unauthenticated.status == 401)
            #expect(unauthenticated.json["error"] as? String == "invalid_client")
        }
    }

    @Test("RFC 9126 §2 with private_key_jwt: aud may be the PAR endpoint URL; a pushed request object is used")
    func pushWithAssertionAndRequestObject() async throws {
        try await TestProvider.run { p async throws in
            let signer = ClientSigner()
            let rp = try await p.registerJWTClient(method: "private_key_jwt", jwks: signer.jwks)
            let assertion = try await signer.sign(ClientSigner.assertionClaims(
                clientID: rp.clientID, audience: .string(p.issuer + "/par"), expiresAt: p.clock.now().addingTimeInterval(60)))
            let object = try await signer.sign([
                "iss": .string(rp.clientID), "aud": .string(p.issuer), "client_id": .string(rp.clientID), "response_type": .string("code"),
                "redirect_uri": .string(rp.redirectURI), "scope": .string("openid"), "state": .string("from-object"),
            ])
            let page = try await p.browser.get(p.issuer + "/par", method: .POST, form: [
                ("client_assertion_type", ClientAssertionRules.assertionType), ("client_assertion", assertion), ("request", object),
            ])
            #expect(page.status == 201)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
            let requestURI = try #require(json["request_uri"] as? String)
            let query = queryItems(try await p.browser.follow(authorizeURL(p, rp, requestURI: requestURI), stopAt: rp.redirectURI).get())
            #expect(query["state"] == "from-object")
            #expect(query["code"] != nil)
        }
    }

    @Test("RFC 9126 §6 require_pushed_authorization_requests: per client, and for all with par.required (advertised in discovery)")
    func required() async throws {
        try await TestProvider.run { p async throws in
            let rp = try await p.registerClient()
            try await p.updateClient(rp) { $0.requirePushedAuthorizationRequests = true }
            let plain = try await p.authorizeOnce(rp, [])
            let query = try redirectQuery(plain)
            #expect(query["error"] == "invalid_request")
            #expect(query["error_description"] == "this client must use a pushed authorization request (RFC 9126)")
            let requestURI = try #require(try await push(p, rp).json["request_uri"] as? String)
            _ = try await p.browser.follow(authorizeURL(p, rp, requestURI: requestURI), stopAt: rp.redirectURI).get()
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(try await p.browser.get(p.issuer + "/.well-known/openid-configuration").body.utf8)) as? [String: Any])
            #expect(doc["pushed_authorization_request_endpoint"] as? String == p.issuer + "/par")
            #expect(doc["require_pushed_authorization_requests"] as? Bool == false)
        }
        var options = TestProvider.Options()
        options.adjustSettings = { $0.parRequired = true; $0.parLifetime = 30 }
        try await TestProvider.run(options) { p async throws in
            let rp = try await p.registerClient()
            #expect(try redirectQuery(try await p.authorizeOnce(rp, []))["error"] == "invalid_request")
            let pushed = try await push(p, rp)
            #expect(pushed.json["expires_in"] as? Int == 30)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(try await p.browser.get(p.issuer + "/.well-known/openid-configuration").body.utf8)) as? [String: Any])
            #expect(doc["require_pushed_authorization_requests"] as? Bool == true)
        }
    }
}
