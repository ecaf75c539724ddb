import Foundation
import OIDC
@testable import Server
import Storage
import Testing

/// Dynamic Client Registration (RFC 7591, OIDC Registration 1.0) and client management
/// (RFC 7592) against the real server on a real port.
@Suite("Dynamic Client Registration end to end", .serialized)
struct RegistrationTests {
    static let basic = #"{"redirect_uris":["https://rp.example/cb"],"client_name":"Dynamic RP"}"#

    @Test("RFC 7591 §3.2.1: 201 JSON, no-store, credentials, registration access token and every registered field")
    func happyPath() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let reply = try await Registration.register(p, #"""
            {"redirect_uris":["https://rp.example/cb","https://rp.example/cb2?x=1"],"client_name":"Dynamic RP",
             "contacts":["ops@rp.example"],"logo_uri":"https://rp.example/logo.png",
             "post_logout_redirect_uris":["https://rp.example/bye"],"grant_types":["authorization_code","refresh_token"],
             "default_max_age":300,"client_name#en":"ignored","unknown_member":{"a":1}}
            """#)
            #expect(reply.status == 201)
            #expect(reply.header("Content-Type") == "application/json")
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(reply.header("Pragma") == "no-cache")
            let json = reply.json
            #expect(Set(json.keys) == [
                "client_id", "client_secret", "client_secret_expires_at", "client_id_issued_at",
                "registration_access_token", "registration_client_uri", "client_name", "redirect_uris",
                "token_endpoint_auth_method", "grant_types", "response_types", "application_type", "contacts",
                "logo_uri", "subject_type", "id_token_signed_response_alg", "default_max_age", "require_auth_time",
                "post_logout_redirect_uris", "backchannel_logout_session_required", "require_pushed_authorization_requests",
            ])
            let clientID = try #require(json["client_id"] as? String)
            let secret = try #require(json["client_secret"] as? String)
            let token = try #require(json["registration_access_token"] as? String)
            #expect(clientID.count == 24)
            #expect(secret.count == 43)  // 256 bits, base64url
            #expect(token.count == 43)
            #expect(json["client_secret_expires_at"] as? Int == 0)
            #expect(json["client_id_issued_at"] as? Int == Int(p.clock.now().timeIntervalSince1970))
            #expect(json["registration_client_uri"] as? String == p.issuer + "/register/" + clientID)
            #expect(json["client_name"] as? String == "Dynamic RP")
            #expect(json["redirect_uris"] as? [String] == ["https://rp.example/cb", "https://rp.example/cb2?x=1"])
            #expect(json["token_endpoint_auth_method"] as? String == "client_secret_basic")
            #expect(json["grant_types"] as? [String] == ["authorization_code", "refresh_token"])
            #expect(json["response_types"] as? [String] == ["code"])
            #expect(json["application_type"] as? String == "web")
            #expect(json["contacts"] as? [String] == ["ops@rp.example"])
            #expect(json["logo_uri"] as? String == "https://rp.example/logo.png")
            #expect(json["subject_type"] as? String == "public")
            #expect(json["id_token_signed_response_alg"] as? String == "RS256")
            #expect(json["default_max_age"] as? Int == 300)
            #expect(json["require_auth_time"] as? Bool == false)
            #expect(json["post_logout_redirect_uris"] as? [String] == ["https://rp.example/bye"])
            #expect(json["backchannel_logout_session_required"] as? Bool == false)
            #expect(json["require_pushed_authorization_requests"] as? Bool == false)

            // Stored hashed: neither the secret nor the registration access token is kept.
            let record = try #require(try await p.stores.clients.find(id: clientID))
            #expect(record.secretHash == SecretHash.sha256(secret))
            #expect(record.registrationTokenHash == SecretHash.sha256(token))
            #expect(record.metadata.registeredBy == "dynamic")
            #expect(record.metadata.sectorIdentifier == "rp.example")
            #expect(record.authMethod == .clientSecretBasic)
        }
    }

    @Test("OIDC Registration §3 then oidcc-server: the registered client logs in with the code flow")
    func registeredClientLogsIn() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let rp = try Registration.rp(try await Registration.registered(p, Self.basic))
            let response = try await p.login(rp)
            #expect(response["state"] == "st-123")
            let code = try #require(response["code"])
            let token = try await p.token(rp, code: code)
            #expect(token.status == 200)
            let idToken = try #require(token.json["id_token"] as? String)
            let verified = try await p.verifyIDToken(idToken)
            #expect(verified.claims.aud == rp.clientID)
            #expect(verified.claims.iss == p.issuer)
            #expect(verified.header["alg"] == "RS256")
        }
    }

    @Test("OIDC Registration §2 token_endpoint_auth_method=none: no client_secret, public client with PKCE")
    func publicClient() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let json = try await Registration.registered(
                p, #"{"redirect_uris":["http://127.0.0.1:7000/cb"],"token_endpoint_auth_method":"none","application_type":"native"}"#)
            #expect(json["client_secret"] == nil)
            #expect(json["client_secret_expires_at"] == nil)
            #expect(json["token_endpoint_auth_method"] as? String == "none")
            let rp = try Registration.rp(json)
            let verifier = String(repeating: "k", count: 43)
            let code = try #require(try await p.login(rp, [("code_challenge", PKCE.s256Challenge(for: verifier)), ("code_challenge_method", "S256")])["code"])
            #expect(try await p.token(rp, code: code, extra: [("code_verifier", verifier)]).status == 200)
        }
    }

    @Test("RFC 7591 §3.2.2: redirect_uris with a fragment → 400 invalid_redirect_uri")
    func fragment() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let reply = try await Registration.register(p, #"{"redirect_uris":["https://rp.example/cb#x"]}"#)
            #expect(reply.status == 400)
            #expect(reply.error == "invalid_redirect_uri")
            #expect(reply.errorDescription == "redirect_uris[0] must not contain a fragment")
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(try await p.stores.clients.list().isEmpty)
        }
    }

    @Test("RFC 7591 §3.2.2: refused metadata → 400 invalid_client_metadata naming the field")
    func invalidMetadata() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let uri = #""redirect_uris":["https://rp.example/cb"]"#
            let cases: [(String, String)] = [
                (#"{"client_name":"x"}"#, "redirect_uris is required for the authorization code flow"),
                (#"{\#(uri),"response_types":["id_token"]}"#, "response_types value id_token is not supported (supported: code)"),
                (#"{\#(uri),"grant_types":["implicit"]}"#, "grant_types value implicit is not supported (supported: authorization_code, refresh_token)"),
                (#"{\#(uri),"token_endpoint_auth_method":"tls_client_auth"}"#, "token_endpoint_auth_method must be one of: " + p.registrationPolicy.tokenEndpointAuthMethods.joined(separator: ", ")),
                (#"{\#(uri),"id_token_signed_response_alg":"none"}"#, "id_token_signed_response_alg none is not supported: ID tokens are always signed"),
                (#"{\#(uri),"subject_type":"anonymous"}"#, "subject_type must be one of: " + p.registrationPolicy.subjectTypes.joined(separator: ", ")),
                (#"{\#(uri),"default_max_age":-5}"#, "default_max_age must be a non-negative number of seconds"),
                (#"{\#(uri),"logo_uri":"javascript:alert(1)"}"#, "logo_uri is not an absolute URL"),
                (#"{\#(uri),"post_logout_redirect_uris":["https://rp.example/bye#x"]}"#, "post_logout_redirect_uris[0] must not contain a fragment"),
                (#"{\#(uri),"backchannel_logout_uri":"http://rp.example/bc"}"#, "backchannel_logout_uri must use https"),
                (#"{\#(uri),"sector_identifier_uri":"http://rp.example/s.json"}"#, "sector_identifier_uri must use https"),
                (#"{\#(uri),"client_name":42}"#, "client_name has the wrong type"),
                (#"{\#(uri),"userinfo_encrypted_response_alg":"RSA-OAEP"}"#, "userinfo_encrypted_response_alg is not supported: this provider does not encrypt"),
                (#"{"redirect_uris":"#, "the body must be a JSON object"),
                (#"["https://rp.example/cb"]"#, "the body must be a JSON object"),
            ]
            for (body, description) in cases {
                let reply = try await Registration.register(p, body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.error == "invalid_client_metadata", "\(body)")
                #expect(reply.errorDescription == description, "\(body)")
            }
            let form = try await Registration.send(p, .POST, "/register", body: "redirect_uris=https://rp.example/cb",
                                                   bearer: Registration.initialToken, contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 400)
            #expect(form.errorDescription == "the body must be application/json")
            let huge = try await Registration.register(p, #"{\#(uri),"client_name":"\#(String(repeating: "x", count: 20_000))"}"#)
            #expect(huge.status == 413)
            #expect(try await p.stores.clients.list().isEmpty)
        }
    }

    @Test("RFC 7591 §3 + RFC 6750 §3.1: a missing or wrong initial access token → 401 invalid_token")
    func initialAccessToken() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let attempts: [Registration.Reply] = [
                try await Registration.register(p, Self.basic, bearer: nil),
                try await Registration.register(p, Self.basic, bearer: "wrong"),
                try await Registration.register(p, Self.basic, bearer: String(Registration.initialToken.dropLast())),
                try await Registration.send(p, .POST, "/register", body: Self.basic, authorization: "Basic \(Registration.initialToken)"),
            ]
            for reply in attempts {
                #expect(reply.status == 401)
                #expect(reply.error == "invalid_token")
                #expect(reply.header("WWW-Authenticate") == #"Bearer error="invalid_token""#)
            }
            #expect(try await p.stores.clients.list().isEmpty)
            #expect(try await Registration.register(p, Self.basic).status == 201)
        }
    }

    @Test("Open registration: no initial access token needed; a presented token must still be right")
    func openRegistration() async throws {
        try await TestProvider.run(Registration.options(token: nil, open: true)) { p async throws in
            #expect(try await Registration.register(p, Self.basic, bearer: nil).status == 201)
            #expect(try await Registration.register(p, Self.basic, bearer: "anything").status == 201)
        }
        try await TestProvider.run(Registration.options(open: true)) { p async throws in
            #expect(try await Registration.register(p, Self.basic, bearer: nil).status == 201)
            #expect(try await Registration.register(p, Self.basic, bearer: "wrong").status == 401)
        }
    }

    @Test("OIDC Discovery §3 registration_endpoint: advertised and routed only when registration is enabled")
    func discovery() async throws {
        try await TestProvider.run { p async throws in
            let metadata = try await p.browser.get(p.issuer + "/.well-known/openid-configuration")
            #expect(!metadata.body.contains("registration_endpoint"))
            #expect(try await Registration.register(p, Self.basic).status == 404)
            #expect(try await Registration.register(p, Self.basic, bearer: nil).status == 404)
        }
        try await TestProvider.run(Registration.options()) { p async throws in
            let metadata = try await p.browser.get(p.issuer + "/.well-known/openid-configuration")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(metadata.body.utf8)) as? [String: Any])
            #expect(json["registration_endpoint"] as? String == p.issuer + "/register")
        }
    }

    @Test("OIDC Registration §5: sector_identifier_uri is fetched and must list every redirect URI")
    func sectorIdentifierURI() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let listing = #"["https://a.rp.example/cb","https://b.rp.example/cb"]"#
            try await Registration.withDocumentServer(p, listing) { url async throws in
                let json = try await Registration.registered(
                    p, #"{"redirect_uris":["https://a.rp.example/cb","https://b.rp.example/cb"],"sector_identifier_uri":"\#(url)"}"#)
                #expect(json["sector_identifier_uri"] as? String == url)
                let id = try #require(json["client_id"] as? String)
                let record = try #require(try await p.stores.clients.find(id: id))
                #expect(record.metadata.sectorIdentifier == "127.0.0.1")

                let missing = try await Registration.register(
                    p, #"{"redirect_uris":["https://a.rp.example/cb","https://c.rp.example/cb"],"sector_identifier_uri":"\#(url)"}"#)
                #expect(missing.status == 400)
                #expect(missing.error == "invalid_client_metadata")
                #expect(missing.errorDescription == "redirect_uris[1] is not listed in the sector_identifier_uri document")
            }
            try await Registration.withDocumentServer(p, #"{"not":"an array"}"#) { url async throws in
                let reply = try await Registration.register(p, #"{"redirect_uris":["https://a.rp.example/cb"],"sector_identifier_uri":"\#(url)"}"#)
                #expect(reply.status == 400)
                #expect(reply.errorDescription == "sector_identifier_uri must return a JSON array of redirect URIs")
            }
            try await Registration.withDocumentServer(p, listing, status: .notFound) { url async throws in
                let reply = try await Registration.register(p, #"{"redirect_uris":["https://a.rp.example/cb"],"sector_identifier_uri":"\#(url)"}"#)
                #expect(reply.status == 400)
                #expect(reply.errorDescription == "sector_identifier_uri could not be retrieved")
            }
            #expect(try await p.stores.clients.list().count == 1)
        }
    }

    @Test("RFC 7592 §2.1: read with the registration access token; wrong token, other client, unknown or admin client → 401")
    func read() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let first = try await Registration.registered(p, Self.basic)
            let second = try await Registration.registered(p, Self.basic)
            let id = try #require(first["client_id"] as? String)
            let token = try #require(first["registration_access_token"] as? String)
            let otherToken = try #require(second["registration_access_token"] as? String)

            let reply = try await Registration.send(p, .GET, "/register/\(id)", bearer: token)
            #expect(reply.status == 200)
            #expect(reply.header("Cache-Control") == "no-store")
            var expected = first
            expected["client_secret"] = nil  // only its hash is kept
            #expect(NSDictionary(dictionary: reply.json) == NSDictionary(dictionary: expected))

            let admin = try await p.registerClient()
            let refusals: [Registration.Reply] = [
                try await Registration.send(p, .GET, "/register/\(id)", bearer: nil),
                try await Registration.send(p, .GET, "/register/\(id)", bearer: "wrong"),
                try await Registration.send(p, .GET, "/register/\(id)", bearer: otherToken),
                try await Registration.send(p, .GET, "/register/\(id)", bearer: Registration.initialToken),
                try await Registration.send(p, .GET, "/register/nobody", bearer: token),
                try await Registration.send(p, .GET, "/register/\(admin.clientID)", bearer: token),
            ]
            for refusal in refusals {
                #expect(refusal.status == 401)
                #expect(refusal.error == "invalid_token")
                #expect(refusal.header("WWW-Authenticate") == #"Bearer error="invalid_token""#)
            }
        }
    }

    @Test("RFC 7592 §2.2: update replaces the metadata; client_id must match, client_secret must match, provisioned fields refused")
    func update() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let first = try await Registration.registered(p, Self.basic)
            let id = try #require(first["client_id"] as? String)
            let token = try #require(first["registration_access_token"] as? String)
            let secret = try #require(first["client_secret"] as? String)

            let updated = try await Registration.send(p, .PUT, "/register/\(id)", body: #"""
            {"client_id":"\#(id)","client_secret":"\#(secret)","redirect_uris":["https://rp.example/new"],"client_name":"Renamed",
             "token_endpoint_auth_method":"client_secret_post","tos_uri":"https://rp.example/tos"}
            """#, bearer: token)
            #expect(updated.status == 200)
            #expect(updated.header("Cache-Control") == "no-store")
            #expect(updated.json["redirect_uris"] as? [String] == ["https://rp.example/new"])
            #expect(updated.json["client_name"] as? String == "Renamed")
            #expect(updated.json["token_endpoint_auth_method"] as? String == "client_secret_post")
            #expect(updated.json["tos_uri"] as? String == "https://rp.example/tos")
            #expect(updated.json["client_secret"] == nil)  // kept, not reissued
            #expect(updated.json["client_secret_expires_at"] as? Int == 0)
            #expect(updated.json["registration_access_token"] as? String == token)
            #expect(updated.json["client_id_issued_at"] as? Int == first["client_id_issued_at"] as? Int)
            let record = try #require(try await p.stores.clients.find(id: id))
            #expect(record.redirectURIs == ["https://rp.example/new"])
            #expect(record.secretHash == SecretHash.sha256(secret))
            #expect(record.authMethod == .clientSecretPost)

            let refusals: [(String, String, String)] = [
                (#"{"redirect_uris":["https://rp.example/cb"]}"#, "invalid_request", "client_id must be present and name this client"),
                (#"{"client_id":"other","redirect_uris":["https://rp.example/cb"]}"#, "invalid_request", "client_id must be present and name this client"),
                (#"{"client_id":"\#(id)","client_secret":"wrong","redirect_uris":["https://rp.example/cb"]}"#, "invalid_request", "client_secret does not match the issued secret"),
                (#"{"client_id":"\#(id)","registration_access_token":"\#(token)","redirect_uris":["https://rp.example/cb"]}"#, "invalid_request", "registration_access_token must not be sent: the server provisions it"),
                (#"{"client_id":"\#(id)","redirect_uris":["https://rp.example/cb#f"]}"#, "invalid_redirect_uri", "redirect_uris[0] must not contain a fragment"),
                (#"{"client_id":"\#(id)","redirect_uris":["https://rp.example/cb"],"grant_types":["password"]}"#, "invalid_client_metadata", "grant_types value password is not supported (supported: authorization_code, refresh_token)"),
            ]
            for (body, error, description) in refusals {
                let reply = try await Registration.send(p, .PUT, "/register/\(id)", body: body, bearer: token)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.error == error, "\(body)")
                #expect(reply.errorDescription == description, "\(body)")
            }
            #expect(try await p.stores.clients.find(id: id)?.redirectURIs == ["https://rp.example/new"])
            let wrongToken = try await Registration.send(p, .PUT, "/register/\(id)", body: #"{"client_id":"\#(id)","redirect_uris":["https://rp.example/cb"]}"#, bearer: "x")
            #expect(wrongToken.status == 401)
            #expect(wrongToken.error == "invalid_token")
        }
    }

    @Test("RFC 7592 §2.2: moving to none drops the secret; moving back to a secret method issues a new one")
    func updateAuthMethod() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let first = try await Registration.registered(p, Self.basic)
            let id = try #require(first["client_id"] as? String)
            let token = try #require(first["registration_access_token"] as? String)
            let toPublic = try await Registration.send(p, .PUT, "/register/\(id)", body: #"{"client_id":"\#(id)","redirect_uris":["https://rp.example/cb"],"token_endpoint_auth_method":"none"}"#, bearer: token)
            #expect(toPublic.status == 200)
            #expect(toPublic.json["client_secret_expires_at"] == nil)
            #expect(try await p.stores.clients.find(id: id)?.secretHash == nil)
            let toSecret = try await Registration.send(p, .PUT, "/register/\(id)", body: #"{"client_id":"\#(id)","redirect_uris":["https://rp.example/cb"]}"#, bearer: token)
            #expect(toSecret.status == 200)
            let secret = try #require(toSecret.json["client_secret"] as? String)
            #expect(toSecret.json["client_secret_expires_at"] as? Int == 0)
            let rp = TestProvider.RP(clientID: id, secret: secret, redirectURI: "https://rp.example/cb")
            let code = try #require(try await p.login(rp)["code"])
            #expect(try await p.token(rp, code: code).status == 200)
        }
    }

    @Test("RFC 7592 §2.3: delete → 204; the client, its tokens and its registration access token are gone; it can no longer log in")
    func delete() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let json = try await Registration.registered(p, Self.basic)
            let rp = try Registration.rp(json)
            let token = try #require(json["registration_access_token"] as? String)
            let code = try #require(try await p.login(rp)["code"])
            let accessToken = try #require(try await p.token(rp, code: code).json["access_token"] as? String)
            #expect(try await p.userinfo(accessToken).status == 200)

            let other = try Registration.rp(try await Registration.registered(p, Self.basic))
            #expect(try await Registration.send(p, .DELETE, "/register/\(other.clientID)", bearer: token).status == 401)
            #expect(try await Registration.send(p, .DELETE, "/register/\(rp.clientID)", bearer: "wrong").status == 401)

            let deleted = try await Registration.send(p, .DELETE, "/register/\(rp.clientID)", bearer: token)
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
            #expect(try await p.stores.clients.find(id: rp.clientID) == nil)
            #expect(try await p.stores.clients.find(id: other.clientID) != nil)

            #expect(try await Registration.send(p, .GET, "/register/\(rp.clientID)", bearer: token).status == 401)
            #expect(try await Registration.send(p, .DELETE, "/register/\(rp.clientID)", bearer: token).status == 401)
            // Its access token went with it (ON DELETE CASCADE).
            #expect(try await p.userinfo(accessToken).status == 401)
            // It can no longer log in: an error page, never a redirect; the token endpoint refuses it.
            let page = try await p.browser.get(p.authorizeURL(rp))
            #expect(page.status == 400)
            #expect(page.header("Location") == nil)
            let refused = try await p.token(rp, code: "anything")
            #expect(refused.status == 401)
            #expect(refused.json["error"] as? String == "invalid_client")
        }
    }
}

extension TestProvider {
    /// What this provider lets clients register (error messages list the allowed values).
    var registrationPolicy: RegistrationPolicy {
        ClientRegistry.providerPolicy(ProviderMetadata.forIssuer(issuer), allowLoopbackHTTP: true)
    }
}
