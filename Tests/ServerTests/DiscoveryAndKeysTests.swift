import Foundation
import Testing
import OIDC
@testable import Server

@Suite("Discovery, JWKS and key rotation end to end", .serialized)
struct DiscoveryAndKeysTests {
    @Test("discovery: issuer matches its URL, endpoints and capabilities are true to the server (OIDC Discovery §3, §4.3)")
    func discovery() async throws {
        try await TestProvider.run { p in
            let page = try await p.browser.get(p.issuer + "/.well-known/openid-configuration")
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "application/json")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
            #expect(doc["issuer"] as? String == p.issuer)
            #expect(doc["authorization_endpoint"] as? String == p.issuer + "/authorize")
            #expect(doc["token_endpoint"] as? String == p.issuer + "/token")
            #expect(doc["userinfo_endpoint"] as? String == p.issuer + "/userinfo")
            #expect(doc["jwks_uri"] as? String == p.issuer + "/jwks")
            #expect(doc["response_types_supported"] as? [String] == ["code"])
            #expect(doc["subject_types_supported"] as? [String] == ["public", "pairwise"])
            #expect(doc["id_token_signing_alg_values_supported"] as? [String] == ["RS256"])
            #expect(doc["code_challenge_methods_supported"] as? [String] == ["S256"])
            // The test provider configures the mobile app and mini program doors (token exchange).
            #expect(doc["grant_types_supported"] as? [String] == ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange"])
            #expect(doc["response_modes_supported"] as? [String] == ["query", "form_post"])
            #expect(doc["claims_parameter_supported"] as? Bool == true)
            #expect(doc["end_session_endpoint"] as? String == p.issuer + "/logout")
            #expect(doc["revocation_endpoint"] as? String == p.issuer + "/revoke")
            #expect(doc["introspection_endpoint"] as? String == p.issuer + "/introspect")
            #expect(doc["backchannel_logout_supported"] as? Bool == true)
            #expect(doc["backchannel_logout_session_supported"] as? Bool == true)
            #expect(doc["token_endpoint_auth_methods_supported"] as? [String] == ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"])
            #expect(doc["token_endpoint_auth_signing_alg_values_supported"] as? [String] == ["RS256", "ES256", "PS256", "HS256"])
            #expect((doc["scopes_supported"] as? [String])?.contains("openid") == true)
            #expect(doc["authorization_response_iss_parameter_supported"] as? Bool == true)
            #expect(doc["request_parameter_supported"] as? Bool == true)
            #expect(doc["request_uri_parameter_supported"] as? Bool == true)
            // Nothing advertised that the server does not do.
            #expect(doc["registration_endpoint"] == nil)
            #expect(!page.body.contains("\\/"))
        }
    }

    @Test("oidcc-server-rotate-keys: rotation publishes a new kid and modulus before it signs; the old key stays until retired (OIDC Core §10.1.1)")
    func rotation() async throws {
        try await TestProvider.run(.init(keyRefreshInterval: 1)) { p in
            func jwks() async throws -> [[String: String]] {
                let body = try await p.browser.get(p.issuer + "/jwks").body
                return (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: [[String: String]]])?["keys"] ?? []
            }
            let before = try await jwks()
            #expect(before.count == 1)
            let oldKid = try #require(before.first?["kid"])
            let rp = try await p.registerClient()
            func signingKid() async throws -> String? {
                let code = try #require(try await p.login(rp)["code"])
                let token = try await p.token(rp, code: code)
                return try await p.verifyIDToken(try #require(token.json["id_token"] as? String)).header["kid"]
            }
            // `keys rotate`: published at once, signing after the pre-publication delay.
            let manager = SigningKeyManager(store: p.stores.signingKeys, directory: p.settings.keysDirectory, clock: p.clock)
            let new = try await manager.rotate(algorithm: .rs256, activation: .after(SigningKeyManager.defaultPrepublication))
            var after: [[String: String]] = []
            for _ in 0..<60 {
                after = try await jwks()
                if after.count == 2 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(Set(after.compactMap { $0["kid"] }) == [oldKid, new.kid])
            #expect(Set(after.compactMap { $0["n"] }).count == 2)
            #expect(try await signingKid() == oldKid)

            // The delay passes: a running server promotes the new key; the old one stays published.
            p.clock.advance(seconds: SigningKeyManager.defaultPrepublication)
            for _ in 0..<100 {
                // Signing keys come first in the JWKS: a cheap way to see the switch.
                if try await jwks().first?["kid"] == new.kid { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await signingKid() == new.kid)
            #expect(Set(try await jwks().compactMap { $0["kid"] }) == [oldKid, new.kid])

            try await manager.retire(kid: oldKid)
            for _ in 0..<60 {
                after = try await jwks()
                if after.count == 1 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(after.compactMap { $0["kid"] } == [new.kid])
            await #expect(throws: (any Error).self) { try await manager.retire(kid: new.kid) }
        }
    }

    @Test("browser-based clients may call discovery, JWKS, token and userinfo cross-origin (CORS, no credentials)")
    func cors() async throws {
        try await TestProvider.run { p in
            for path in ["/token", "/userinfo"] {
                let preflight = try await p.browser.get(p.issuer + path, method: .OPTIONS, headers: [
                    ("Origin", "https://spa.example"), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "authorization, content-type"),
                ])
                #expect((200..<300).contains(preflight.status), "\(path)")
                #expect(preflight.header("Access-Control-Allow-Origin") == "*", "\(path)")
                #expect(preflight.header("Access-Control-Allow-Credentials") == nil, "\(path)")
            }
            let discovery = try await p.browser.get(p.issuer + "/.well-known/openid-configuration", headers: [("Origin", "https://spa.example")])
            #expect(discovery.header("Access-Control-Allow-Origin") == "*")
            // The pages that carry the browser-binding cookie are not opened to other origins.
            let authorize = try await p.browser.get(p.issuer + "/authorize", headers: [("Origin", "https://spa.example")])
            #expect(authorize.header("Access-Control-Allow-Origin") == nil)
        }
    }

    @Test("the first start generates a private key file, the secret-sealing key and the pairwise salt, each with mode 0600")
    func keyFileMode() async throws {
        try await TestProvider.run { p in
            let secrets: Set<String> = [ServerSecretFile.sealingKeyName, ServerSecretFile.pairwiseSaltName]
            let all = try FileManager.default.contentsOfDirectory(atPath: p.settings.keysDirectory)
            #expect(Set(all).isSuperset(of: secrets))
            let files = all.filter { !secrets.contains($0) }
            #expect(files.count == 1)
            for name in all {
                let attributes = try FileManager.default.attributesOfItem(atPath: p.settings.keysDirectory + "/" + name)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(name)")
            }
            let text = try String(contentsOfFile: p.settings.keysDirectory + "/" + files[0], encoding: .utf8)
            #expect(text.contains("PRIVATE KEY"))
            let salt = try #require(FileManager.default.contents(atPath: p.settings.keysDirectory + "/" + ServerSecretFile.pairwiseSaltName))
            #expect(salt.count == 32)
        }
    }
}
