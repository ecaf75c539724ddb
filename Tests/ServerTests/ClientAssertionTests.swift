import Foundation
import OIDC
@testable import Server
import Storage
import Testing

/// `private_key_jwt` and `client_secret_jwt` (OIDC Core §9, RFC 7523 §2.2 and §3) at the token,
/// revocation and introspection endpoints of a real server.
@Suite("Client authentication with JWTs (private_key_jwt, client_secret_jwt)", .serialized)
struct ClientAssertionTests {
    static let jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// A code for `rp`, exchanged with `assertion`; returns status and JSON.
    func exchange(_ p: TestProvider, _ rp: TestProvider.RP, assertion: String, extra: [(String, String)] = []) async throws -> (status: Int, json: [String: Any], page: TestBrowser.Page) {
        let query = try await p.login(rp)
        let code = try #require(query["code"])
        return try await post(p, "/token", [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", rp.redirectURI),
                                             ("client_assertion_type", Self.jwtBearer), ("client_assertion", assertion)] + extra)
    }

    func post(_ p: TestProvider, _ path: String, _ form: [(String, String)], headers: [(String, String)] = []) async throws -> (status: Int, json: [String: Any], page: TestBrowser.Page) {
        let page = try await p.browser.get(p.issuer + path, method: .POST, form: form, headers: headers)
        let json = (try? JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]) ?? [:]
        return (page.status, json, page)
    }

    func claims(_ p: TestProvider, _ rp: TestProvider.RP, aud: JSONValue? = nil, lifetime: TimeInterval = 120, jti: String = UUID().uuidString) -> [String: JSONValue] {
        ClientSigner.assertionClaims(clientID: rp.clientID, audience: aud ?? .string(p.issuer + "/token"),
                                     expiresAt: p.clock.now().addingTimeInterval(lifetime), jti: jti)
    }

    func expectInvalidClient(_ reply: (status: Int, json: [String: Any], page: TestBrowser.Page), _ description: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 401, sourceLocation: sourceLocation)
        #expect(reply.json["error"] as? String == "invalid_client", sourceLocation: sourceLocation)
        #expect(reply.json["error_description"] as? String == description, sourceLocation: sourceLocation)
        #expect(reply.page.header("WWW-Authenticate") != nil, sourceLocation: sourceLocation)
    }

    @Test("OIDC Core §9 private_key_jwt: an ES256 assertion with the registered jwks authenticates; aud may be the issuer or an array")
    func privateKeyJWTInlineKeys() async throws {
        try await TestProvider.run { p async throws in
            let signer = ClientSigner()
            let rp = try await p.registerJWTClient(method: "private_key_jwt", jwks: signer.jwks)
            let ok = try await exchange(p, rp, assertion: try await signer.sign(claims(p, rp)))
            #expect(ok.status == 200)
            #expect(ok.json["id_token"] is String)
            let issuerAud = try await exchange(p, rp, assertion: try await signer.sign(claims(p, rp, aud: .string(p.issuer))))
            #expect(issuerAud.status == 200)
            let arrayAud = try await exchange(p, rp, assertion: try await signer.sign(claims(p, rp, aud: .array([.string(p.issuer + "/token")]))))
            #expect(arrayAud.status == 200)
            // Without a kid in the header, every registered key of the right type is tried.
            let noKID = try await exchange(p, rp, assertion: try await signer.sign(claims(p, rp), headerKID: .some(nil)))
            #expect(noKID.status == 200)
        }
    }

    @Test("OIDC Core §9 private_key_jwt with RSA keys: RS256 and PS256; a key registered for one algorithm does not verify the other")
    func privateKeyJWTRSA() async throws {
        try await TestProvider.run { p async throws in
            let rs256 = try RSAClientSigner(.rs256)
            let ps256 = try RSAClientSigner(.ps256)
            let rp = try await p.registerJWTClient(method: "private_key_jwt", jwks: .object(["keys": .array([rs256.publicJWK, ps256.publicJWK])]))
            #expect(try await exchange(p, rp, assertion: try rs256.sign(claims(p, rp))).status == 200)
            #expect(try await exchange(p, rp, assertion: try ps256.sign(claims(p, rp))).status == 200)
            // RFC 7517 §4.4: the key's alg is RS256, so a PS256 signature naming it is refused.
            expectInvalidClient(try await exchange(p, rp, assertion: try rs256.sign(claims(p, rp), algorithm: "PS256")),
                                "client_assertion: no registered RSA key has kid \(rs256.material.kid)")
            // token_endpoint_auth_signing_alg narrows the accepted algorithms to one.
            let strict = try await p.registerJWTClient(method: "private_key_jwt", jwks: .object(["keys": .array([rs256.publicJWK, ps256.publicJWK])]), signingAlg: "PS256")
            #expect(try await exchange(p, strict, assertion: try ps256.sign(claims(p, strict))).status == 200)
            expectInvalidClient(try await exchange(p, strict, assertion: try rs256.sign(claims(p, strict))),
                                "client_assertion: alg RS256 is not accepted here (accepted: PS256)")
        }
    }

    @Test("RFC 7592 §2.2: a client that moves to client_secret_jwt gets a new secret, sealed, that signs its assertions")
    func updateToClientSecretJWT() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let json = try await Registration.registered(p, #"{"redirect_uris":["https://rp.example/cb"]}"#)
            let id = try #require(json["client_id"] as? String)
            let token = try #require(json["registration_access_token"] as? String)
            let oldSecret = try #require(json["client_secret"] as? String)
            let updated = try await Registration.send(p, .PUT, "/register/\(id)",
                body: #"{"client_id":"\#(id)","redirect_uris":["https://rp.example/cb"],"token_endpoint_auth_method":"client_secret_jwt"}"#, bearer: token)
            #expect(updated.status == 200)
            let newSecret = try #require(updated.json["client_secret"] as? String)
            #expect(newSecret != oldSecret)
            let rp = TestProvider.RP(clientID: id, secret: newSecret, redirectURI: "https://rp.example/cb")
            #expect(try await exchange(p, rp, assertion: try await ClientSigner.signHS256(claims(p, rp), secret: newSecret)).status == 200)
            // Moving away drops the sealed copy.
            let back = try await Registration.send(p, .PUT, "/register/\(id)",
                body: #"{"client_id":"\#(id)","redirect_uris":["https://rp.example/cb"],"token_endpoint_auth_method":"client_secret_post"}"#, bearer: token)
            #expect(back.status == 200)
            #expect(try await p.stores.clients.find(id: id)?.sealedSecret == nil)
        }
    }

    @Test("RFC 7523 §3: iss, sub, aud, exp and jti are required and checked → 401 invalid_client")
    func claimRules() async throws {
        try await TestProvider.run { p async throws in
            let signer = ClientSigner()
            let rp = try await p.registerJWTClient(method: "private_key_jwt", jwks: signer.jwks)
            var wrongAud = claims(p, rp, aud: .string("https://other.example/token"))
            expectInvalidClient(try await exchange(p, rp, assertion: try await signer.sign(wrongAud)),
                                "the client assertion's aud must be the issuer or the token endpoint URL")
            wrongAud["aud"] = .array([.string("https://other.example")])
            expectInvalidClient(try await exchange(p, rp, assertion: try await signer.sign(wrongAud)),
                                "the client assertion's aud must be the issuer or the token endpoint URL")
            var noExp = claims(p, rp)
            noExp["exp"] = nil
            expectInvalidClient(try await exchange(p, rp, assertion: try await signer.sign(noExp)), "the client assertion has no exp")
            // Expired beyond the 30 s leeway.
            expectInvalidClient(try await exchange(p, rp, assertion: try await signer.sign(claims(p, rp, lifetime: -31))),
                                "the client assertion has expired")
            var noJTI = claims(p, rp)
            noJTI["jti"] = nil
            expectInvalidClient(try await exchange(p, rp, assertion: try await signer.sign(noJTI)), "the client assertion has no jti")
            var wrongIss = claims(p, rp)
            wrongIss["iss"] = .string("someone-else")
            expectInvalidClient(try await exchange(p, rp, assertion: try await signer.sign(wrongIss)), "the client assertion's iss must be the client_id")
            // Signed by a key the client never registered.
            expectInvalidClient(try await exchange(p, rp, assertion: try await ClientSigner().sign(claims(p, rp))),
                                "client_assertion: the signature does not verify with the client's keys")
            expectInvalidClient(try await exchange(p, rp, assertion: try await ClientSigner(kid: "unknown").sign(claims(p, rp))),
                                "client_assertion: no registered EC key has kid unknown")
            expectInvalidClient(try await exchange(p, rp, assertion: ClientSigner.unsigned(claims(p, rp))),
                                "client_assertion: alg none is not accepted here (accepted: ES256, PS256, RS256)")
            // RFC 7521 §4.2: a client_id that names another client.
            expectInvalidClient(try await exchange(p, rp, assertion: try await signer.sign(claims(p, rp)), extra: [("client_id", "other")]),
                                "client_id does not match the client assertion")
            let wrongType = try await post(p, "/token", [("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", rp.redirectURI),
                                                          ("client_assertion_type", "urn:example:saml"), ("client_assertion", "x")])
            expectInvalidClient(wrongType, "client_assertion_type must be \(Self.jwtBearer)")
        }
    }

    @Test("OIDC Core §9 jti: \"The JWT MUST NOT be reused\" — a replayed assertion → 401 invalid_client, also across endpoints")
    func replayRefused() async throws {
        try await TestProvider.run { p async throws in
            let signer = ClientSigner()
            let rp = try await p.registerJWTClient(method: "private_key_jwt", jwks: signer.jwks)
            let assertion = try await signer.sign(claims(p, rp, aud: .string(p.issuer)))
            #expect(try await exchange(p, rp, assertion: assertion).status == 200)
            expectInvalidClient(try await exchange(p, rp, assertion: assertion), "the client assertion's jti was already used")
            let revoke = try await post(p, "/revoke", [("token", "anything"), ("client_assertion_type", Self.jwtBearer), ("client_assertion", assertion)])
            expectInvalidClient(revoke, "the client assertion's jti was already used")
            // The used jti is in the database, where every replica sees it.
            let again = try await p.stores.replayCache.remember(
                namespace: ClientAuthenticator.replayNamespace, identifier: rp.clientID + " " + "fresh", expiresAt: p.clock.now().addingTimeInterval(60), now: p.clock.now())
            #expect(again)
        }
    }

    @Test("Replicas on one database and keys directory: a jti used at one is refused at the other; a secret sealed by one opens at the other; a request pushed to one is used at the other")
    func replicasAgree() async throws {
        try await KeyRotationCluster.run(servers: 2) { cluster in
            let (a, b) = (cluster.servers[0], cluster.servers[1])
            let signer = ClientSigner()
            let keyClient = try await a.registerJWTClient(method: "private_key_jwt", jwks: signer.jwks)
            // Each replica has its own issuer here (its own port), so each assertion names its
            // replica as aud; the jti is the same: the second use is refused by the other replica.
            #expect(try await exchange(b, keyClient, assertion: try await signer.sign(claims(b, keyClient, jti: "shared-jti"))).status == 200)
            expectInvalidClient(try await exchange(a, keyClient, assertion: try await signer.sign(claims(a, keyClient, jti: "shared-jti"))),
                                "the client assertion's jti was already used")

            // One sealing key for both: created by whichever started first.
            let secretClient = try await a.registerJWTClient(method: "client_secret_jwt")
            let secret = try #require(secretClient.secret)
            #expect(try await exchange(b, secretClient, assertion: try await ClientSigner.signHS256(claims(b, secretClient), secret: secret)).status == 200)

            let rp = try await a.registerClient()
            let pushed = try await a.postWithBasic(rp, path: "/par", form: [
                ("response_type", "code"), ("redirect_uri", rp.redirectURI), ("scope", "openid"), ("state", "via-a"),
            ])
            let requestURI = try #require(pushed.json["request_uri"] as? String)
            let url = AuthorizationResponse.append([("client_id", rp.clientID), ("request_uri", requestURI)], to: b.issuer + "/authorize")
            #expect(queryItems(try await b.browser.follow(url, stopAt: rp.redirectURI).get())["state"] == "via-a")
        }
    }

    @Test("RFC 7009 / RFC 7662 with private_key_jwt: aud may be the endpoint's own URL")
    func revocationAndIntrospection() async throws {
        try await TestProvider.run { p async throws in
            let signer = ClientSigner()
            let rp = try await p.registerJWTClient(method: "private_key_jwt", jwks: signer.jwks)
            let token = try await exchange(p, rp, assertion: try await signer.sign(claims(p, rp)))
            let accessToken = try #require(token.json["access_token"] as? String)
            let introspect = try await post(p, "/introspect", [("token", accessToken), ("client_assertion_type", Self.jwtBearer),
                                                              ("client_assertion", try await signer.sign(claims(p, rp, aud: .string(p.issuer + "/introspect"))))])
            #expect(introspect.status == 200)
            #expect(introspect.json["active"] as? Bool == true)
            let revoke = try await post(p, "/revoke", [("token", accessToken), ("client_assertion_type", Self.jwtBearer),
                                                      ("client_assertion", try await signer.sign(claims(p, rp, aud: .string(p.issuer + "/revoke"))))])
            #expect(revoke.status == 200)
            #expect(try await p.userinfo(accessToken).status == 401)
        }
    }

    @Test("OIDC Registration §2 token_endpoint_auth_method is enforced: no secret, Basic or another method instead")
    func registeredMethodEnforced() async throws {
        try await TestProvider.run { p async throws in
            let signer = ClientSigner()
            let keyClient = try await p.registerJWTClient(method: "private_key_jwt", jwks: signer.jwks)
            // client_id alone (none) is not enough for a client with keys.
            let query = try await p.login(keyClient)
            let bare = try await post(p, "/token", [("grant_type", "authorization_code"), ("code", try #require(query["code"])),
                                                   ("redirect_uri", keyClient.redirectURI), ("client_id", keyClient.clientID)])
            expectInvalidClient(bare, "client authentication failed")
            // A client_secret_jwt client may not send its secret by Basic or POST.
            let secretClient = try await p.registerJWTClient(method: "client_secret_jwt")
            let secret = try #require(secretClient.secret)
            let basic = try await p.token(secretClient, code: try #require(try await p.login(secretClient)["code"]))
            #expect(basic.status == 401)
            #expect(basic.json["error_description"] as? String == "this client must authenticate with client_secret_jwt")
            // A Basic client may not send an assertion.
            let basicClient = try await p.registerClient()
            let assertion = try await ClientSigner.signHS256(claims(p, basicClient), secret: try #require(basicClient.secret))
            expectInvalidClient(try await exchange(p, basicClient, assertion: assertion), "this client must authenticate with client_secret_basic")
            // A private_key_jwt client may not use HS256, even keyed with something it knows.
            expectInvalidClient(try await exchange(p, keyClient, assertion: try await ClientSigner.signHS256(claims(p, keyClient), secret: secret)),
                                "client_assertion: alg HS256 is not accepted here (accepted: ES256, PS256, RS256)")
            // Two methods at once: RFC 6749 §2.3 "MUST NOT use more than one authentication method".
            let both = try await post(p, "/token", [("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", keyClient.redirectURI),
                                                   ("client_assertion_type", Self.jwtBearer), ("client_assertion", try await signer.sign(claims(p, keyClient)))],
                                      headers: [("Authorization", "Basic " + Data("\(keyClient.clientID):x".utf8).base64EncodedString())])
            #expect(both.status == 400)
            #expect(both.json["error"] as? String == "invalid_request")
        }
    }

    @Test("OIDC Core §9 client_secret_jwt: HS256 with the client secret, sealed at rest (AES-GCM under a 0600 key file)")
    func clientSecretJWT() async throws {
        try await TestProvider.run { p async throws in
            let rp = try await p.registerJWTClient(method: "client_secret_jwt")
            let secret = try #require(rp.secret)
            let ok = try await exchange(p, rp, assertion: try await ClientSigner.signHS256(claims(p, rp), secret: secret))
            #expect(ok.status == 200)
            expectInvalidClient(try await exchange(p, rp, assertion: try await ClientSigner.signHS256(claims(p, rp), secret: secret + "x")),
                                "client_assertion: the signature does not verify")
            let record = try #require(try await p.stores.clients.find(id: rp.clientID))
            let sealed = try #require(record.sealedSecret)
            #expect(!sealed.contains(secret))
            let keyFile = p.settings.keysDirectory + "/" + ServerSecretFile.sealingKeyName
            let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            // A rotated secret is sealed again; the old one stops working.
            let sealer = try ServerSecretFile.sealer(keysDirectory: p.settings.keysDirectory)
            let rotated = try await ClientRegistry(store: p.stores.clients, sealer: sealer).rotateSecret(id: rp.clientID)
            try await Task.sleep(for: .milliseconds(1100)) // the token endpoint's client cache
            #expect(try await exchange(p, rp, assertion: try await ClientSigner.signHS256(claims(p, rp), secret: rotated)).status == 200)
            expectInvalidClient(try await exchange(p, rp, assertion: try await ClientSigner.signHS256(claims(p, rp), secret: secret)),
                                "client_assertion: the signature does not verify")
        }
    }

    @Test("OIDC Core §10.1.1: keys from jwks_uri are cached; an unknown kid refetches them, at most every 10 s")
    func jwksURIRotation() async throws {
        try await TestProvider.run { p async throws in
            try await DocumentServer.run(p.http) { server in
                let first = ClientSigner(kid: "k1")
                let second = ClientSigner(kid: "k2")
                server.set("/jwks.json", first.jwks.serialized)
                let rp = try await p.registerJWTClient(method: "private_key_jwt", jwksURI: server.url("/jwks.json"))
                #expect(try await exchange(p, rp, assertion: try await first.sign(claims(p, rp))).status == 200)
                #expect(try await exchange(p, rp, assertion: try await first.sign(claims(p, rp))).status == 200)
                #expect(server.requests("/jwks.json") == 1)
                // The client rotates: k2 is unknown, but the last fetch is under 10 s old.
                server.set("/jwks.json", JSONValue.object(["keys": .array([first.publicJWK, second.publicJWK])]).serialized)
                expectInvalidClient(try await exchange(p, rp, assertion: try await second.sign(claims(p, rp))),
                                    "client_assertion: no registered EC key has kid k2")
                #expect(server.requests("/jwks.json") == 1)
                try await Task.sleep(for: .milliseconds(10_200))
                #expect(try await exchange(p, rp, assertion: try await second.sign(claims(p, rp))).status == 200)
                #expect(server.requests("/jwks.json") == 2)
            }
        }
    }

    @Test("RFC 7591 §2 with OIDC Registration §2: DCR accepts jwks, jwks_uri and the JWT methods; private_key_jwt without keys → invalid_client_metadata")
    func dynamicRegistration() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let signer = ClientSigner()
            let uri = #""redirect_uris":["https://rp.example/cb"]"#
            let keyClient = try await Registration.registered(p, #"{\#(uri),"token_endpoint_auth_method":"private_key_jwt","jwks":\#(signer.jwks.serialized)}"#)
            #expect(keyClient["client_secret"] == nil)
            #expect(keyClient["token_endpoint_auth_method"] as? String == "private_key_jwt")
            let rp = try Registration.rp(keyClient)
            #expect(try await exchange(p, rp, assertion: try await signer.sign(claims(p, rp))).status == 200)

            let secretClient = try await Registration.registered(p, #"{\#(uri),"token_endpoint_auth_method":"client_secret_jwt"}"#)
            let secretRP = try Registration.rp(secretClient)
            let secret = try #require(secretRP.secret)
            #expect(try await exchange(p, secretRP, assertion: try await ClientSigner.signHS256(claims(p, secretRP), secret: secret)).status == 200)

            let noKeys = try await Registration.register(p, #"{\#(uri),"token_endpoint_auth_method":"private_key_jwt"}"#)
            #expect(noKeys.status == 400)
            #expect(noKeys.error == "invalid_client_metadata")
            #expect(noKeys.errorDescription == "private_key_jwt requires jwks or jwks_uri")
            let viaURI = try await Registration.register(p, #"{\#(uri),"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"http://127.0.0.1:1/jwks"}"#)
            #expect(viaURI.status == 201)
            let plainHTTP = try await Registration.register(p, #"{\#(uri),"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"http://rp.example/jwks"}"#)
            #expect(plainHTTP.status == 400)
            #expect(plainHTTP.errorDescription == "jwks_uri must use https")
        }
    }
}

extension TestProvider {
    /// A client registered by the administrator with a JWT authentication method.
    func registerJWTClient(method: String, jwks: JSONValue? = nil, jwksURI: String? = nil, signingAlg: String? = nil) async throws -> RP {
        let sealer = try ServerSecretFile.sealer(keysDirectory: settings.keysDirectory)
        let request = ClientMetadataRequest(
            redirectURIs: ["https://rp.example/cb"], grantTypes: ["authorization_code", "refresh_token"], clientName: "jwt rp",
            jwksURI: jwksURI, jwks: jwks, tokenEndpointAuthMethod: method, tokenEndpointAuthSigningAlg: signingAlg
        )
        let registered = try await ClientRegistry(store: stores.clients, sealer: sealer).register(request, origin: .admin)
        return RP(clientID: registered.client.id, secret: registered.secret, redirectURI: "https://rp.example/cb")
    }
}
