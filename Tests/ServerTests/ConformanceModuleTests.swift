import Foundation
import OIDC
@testable import Server
import Testing

/// The Basic OP modules of shared/CONFORMANCE.md not covered by a suite of their own, each
/// driving the real server through a whole login.
@Suite("OpenID conformance modules (Basic OP)", .serialized)
struct ConformanceModuleTests {
    @Test("oidcc-userinfo-get: GET /userinfo with the Bearer header → 200 JSON with the ID token's sub (OIDC Core §5.3.1)")
    func userinfoGet() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let signedIn = try await p.signIn(rp)
            let accessToken = try #require(signedIn.token["access_token"] as? String)
            let info = try await p.browser.get(p.issuer + "/userinfo", headers: [("Authorization", "Bearer \(accessToken)")])
            #expect(info.status == 200)
            #expect(info.header("Content-Type")?.hasPrefix("application/json") == true)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(info.body.utf8)) as? [String: Any])
            #expect(json["sub"] as? String == signedIn.idToken["sub"] as? String)
            #expect(json["nickname"] as? String == "Alice")
        }
    }

    @Test("oidcc-scope-profile (-email/-address/-phone/-all): claims of advertised scopes are returned; unadvertised scopes are ignored, not refused")
    func scopes() async throws {
        try await TestProvider.run { p in
            let discovery = try await p.browser.get(p.issuer + "/.well-known/openid-configuration")
            let metadata = try #require(try JSONSerialization.jsonObject(with: Data(discovery.body.utf8)) as? [String: Any])
            let advertised = Set(try #require(metadata["scopes_supported"] as? [String]))
            #expect(advertised.isSuperset(of: ["openid", "profile"]))
            #expect(advertised.isDisjoint(with: ["email", "address", "phone"]))
            let rp = try await p.registerClient()
            let signedIn = try await p.signIn(rp, scope: "openid profile email address phone")
            let accessToken = try #require(signedIn.token["access_token"] as? String)
            let info = try await p.userinfo(accessToken)
            #expect(info.status == 200)
            #expect(info.json["nickname"] as? String == "Alice")
            #expect(info.json["picture"] != nil)
            for claim in ["email", "email_verified", "address", "phone_number", "phone_number_verified"] {
                #expect(info.json[claim] == nil, "\(claim) is not a claim this provider has")
            }
            // The granted scope says what was really granted (RFC 6749 §5.1).
            let granted = Set(((signedIn.token["scope"] as? String) ?? "").split(separator: " ").map(String.init))
            #expect(granted.isDisjoint(with: ["email", "address", "phone"]))
        }
    }

    @Test("oidcc-alternate-happy-flow: scope order and parameter order do not matter")
    func alternateHappyFlow() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let reordered = AuthorizationResponse.append([
                ("nonce", "n-alt"), ("state", "st-alt"), ("scope", "wechat profile openid"),
                ("redirect_uri", rp.redirectURI), ("client_id", rp.clientID), ("response_type", "code"),
            ], to: p.issuer + "/authorize")
            let query = queryItems(try await p.browser.follow(reordered, stopAt: rp.redirectURI).get())
            #expect(query["state"] == "st-alt")
            let code = try #require(query["code"])
            let token = try await p.token(rp, code: code)
            #expect(token.status == 200)
            let idToken = try await p.verifyIDToken(try #require(token.json["id_token"] as? String)).raw
            #expect(idToken["nonce"] as? String == "n-alt")
        }
    }

    @Test("oidcc-ensure-request-with-unknown-parameter-succeeds: unknown parameters are ignored (OIDC Core §3.1.2.1)")
    func unknownParameter() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let query = try await p.login(rp, [("extra", "foobar"), ("x-unknown", "1")])
            #expect(query["code"] != nil)
            #expect(query["extra"] == nil)
            #expect(query["error"] == nil)
        }
    }
}

extension RequestObjectTests {
    @Test("oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported: an alg none request object is honoured, and discovery says request_parameter_supported")
    func unsignedRequestObjectModule() async throws {
        try await TestProvider.run { p async throws in
            let metadata = try JSONSerialization.jsonObject(with: Data(try await p.browser.get(p.issuer + "/.well-known/openid-configuration").body.utf8)) as? [String: Any]
            #expect(metadata?["request_parameter_supported"] as? Bool == true)
            #expect((metadata?["request_object_signing_alg_values_supported"] as? [String])?.contains("none") == true)
            let rp = try await p.registerObjectClient(jwks: nil)
            let result = try await complete(p, rp, url(p, rp, [("request", ClientSigner.unsigned(objectClaims(p, rp, state: "unsigned-state", nonce: "unsigned-nonce")))]))
            #expect(result.query["state"] == "unsigned-state")
            #expect(result.idToken["nonce"] as? String == "unsigned-nonce")
        }
    }

    @Test("oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported: an alg none request object by reference is fetched and honoured")
    func unsignedRequestURIModule() async throws {
        try await TestProvider.run { p async throws in
            try await DocumentServer.run(p.http) { server in
                let metadata = try JSONSerialization.jsonObject(with: Data(try await p.browser.get(p.issuer + "/.well-known/openid-configuration").body.utf8)) as? [String: Any]
                #expect(metadata?["request_uri_parameter_supported"] as? Bool == true)
                let rp = try await p.registerObjectClient(jwks: nil)
                server.set("/unsigned.jwt", ClientSigner.unsigned(objectClaims(p, rp, state: "by-reference")), contentType: "application/oauth-authz-req+jwt")
                let result = try await complete(p, rp, url(p, rp, [("request_uri", server.url("/unsigned.jwt"))]))
                #expect(result.query["state"] == "by-reference")
                #expect(server.requests("/unsigned.jwt") == 1)
            }
        }
    }

    @Test("oidcc-ensure-request-object-with-redirect-uri: the request object's redirect_uri wins over the query's (OIDC Core §6.3.3)")
    func requestObjectRedirectURIModule() async throws {
        try await TestProvider.run { p async throws in
            let request = ClientMetadataRequest(
                redirectURIs: ["https://rp.example/cb", "https://rp.example/other"], grantTypes: ["authorization_code"],
                clientName: "two redirect URIs"
            )
            let registered = try await p.registry.register(request, origin: .admin)
            let rp = TestProvider.RP(clientID: registered.client.id, secret: registered.secret, redirectURI: "https://rp.example/cb")
            var claims = objectClaims(p, rp)
            claims["redirect_uri"] = .string("https://rp.example/cb")
            let authorize = url(p, rp, [("request", ClientSigner.unsigned(claims)), ("redirect_uri", "https://rp.example/other")])
            let outcome = try await p.browser.follow(authorize, stopAt: "https://rp.example/").get()
            #expect(outcome.hasPrefix("https://rp.example/cb?"))
            #expect(queryItems(outcome)["code"] != nil)
        }
    }
}
