import Foundation
import JWTKit
import OIDC
@testable import Server
import Storage
import Testing

/// Signed userinfo responses (OIDC Core §5.3.2) and pairwise subjects (OIDC Core §8.1) on a
/// real server.
@Suite("Signed userinfo and pairwise subjects", .serialized)
struct SignedUserInfoAndPairwiseTests {
    @Test("OIDC Core §5.3.2: with userinfo_signed_response_alg the response is application/jwt, signed, with iss and aud")
    func signedUserInfo() async throws {
        try await TestProvider.run { p async throws in
            let rp = try await p.registerClient()
            try await p.updateClient(rp) { $0.userinfoSignedResponseAlg = "RS256" }
            let session = try await p.signIn(rp)
            let accessToken = try #require(session.token["access_token"] as? String)
            let reply = try await p.userinfo(accessToken)
            #expect(reply.status == 200)
            #expect(reply.page.header("Content-Type") == "application/jwt")
            #expect(reply.page.header("Cache-Control") == "no-store")
            let keys = JWTKeyCollection()
            try await keys.add(jwksJSON: try await p.browser.get(p.issuer + "/jwks").body)
            let claims = try await keys.verify(reply.page.body, as: RawClaims.self).values
            #expect(claims["iss"]?.stringValue == p.issuer)
            #expect(claims["aud"]?.stringValue == rp.clientID)
            #expect(claims["sub"]?.stringValue == session.idToken["sub"] as? String)
            // Without the setting: plain JSON.
            let plainRP = try await p.registerClient()
            let plain = try await p.userinfo(try #require(try await p.signIn(plainRP).token["access_token"] as? String))
            #expect(plain.page.header("Content-Type") == "application/json")
        }
    }

    @Test("OIDC Discovery §3 userinfo_signing_alg_values_supported lists the algorithms with an active key; DCR accepts only those")
    func signedUserInfoAdvertised() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(try await p.browser.get(p.issuer + "/.well-known/openid-configuration").body.utf8)) as? [String: Any])
            #expect(doc["userinfo_signing_alg_values_supported"] as? [String] == ["RS256"])
            let uri = #""redirect_uris":["https://rp.example/cb"]"#
            let ok = try await Registration.register(p, #"{\#(uri),"userinfo_signed_response_alg":"RS256"}"#)
            #expect(ok.status == 201)
            #expect(ok.json["userinfo_signed_response_alg"] as? String == "RS256")
            let noKey = try await Registration.register(p, #"{\#(uri),"userinfo_signed_response_alg":"ES256"}"#)
            #expect(noKey.status == 400)
            #expect(noKey.errorDescription == "userinfo_signed_response_alg must be one of: RS256")
        }
    }

    @Test("OIDC Core §8.1: pairwise sub = base64url(SHA-256(sector ‖ local id ‖ salt)), per sector, the same in every token and response")
    func pairwiseSubjects() async throws {
        try await TestProvider.run { p async throws in
            let publicRP = try await p.registerClient()
            let a = try await p.registerPairwiseClient(redirectURI: "https://rp-a.example/cb")
            let a2 = try await p.registerPairwiseClient(redirectURI: "https://rp-a.example/other")
            let b = try await p.registerPairwiseClient(redirectURI: "https://rp-b.example/cb")
            let publicSub = try #require(try await p.signIn(publicRP).idToken["sub"] as? String)
            let signedA = try await p.signIn(a)
            let subA = try #require(signedA.idToken["sub"] as? String)
            let subA2 = try #require(try await p.signIn(a2).idToken["sub"] as? String)
            let subB = try #require(try await p.signIn(b).idToken["sub"] as? String)
            #expect(subA == subA2, "one sector, one subject")
            #expect(subA != subB)
            #expect(subA != publicSub && subB != publicSub)
            let salt = try ServerSecretFile.loadOrCreate(directory: p.settings.keysDirectory, name: ServerSecretFile.pairwiseSaltName)
            #expect(subA == PairwiseSubject.subject(sector: "rp-a.example", localID: publicSub, salt: salt))
            let saltFile = p.settings.keysDirectory + "/" + ServerSecretFile.pairwiseSaltName
            #expect((try FileManager.default.attributesOfItem(atPath: saltFile)[.posixPermissions] as? NSNumber)?.intValue == 0o600)

            // userinfo and introspection say the same.
            let accessToken = try #require(signedA.token["access_token"] as? String)
            #expect(try await p.userinfo(accessToken).json["sub"] as? String == subA)
            let introspection = try await p.postWithBasic(a, path: "/introspect", form: [("token", accessToken)])
            #expect(introspection.json["sub"] as? String == subA)
            // id_token_hint carries the pairwise subject and still names the signed-in user.
            let silent = try await p.authorizeOnce(a, [("prompt", "none"), ("id_token_hint", signedA.rawIDToken)])
            #expect(try redirectQuery(silent)["code"] != nil)
        }
    }

    @Test("OIDC Registration §5 + OIDC Core §8.1: a DCR pairwise client's sector is the host of its sector_identifier_uri")
    func pairwiseFromSectorIdentifierURI() async throws {
        try await TestProvider.run(Registration.options()) { p async throws in
            try await DocumentServer.run(p.http) { server in
                server.set("/sector.json", #"["https://rp-a.example/cb","https://rp-b.example/cb"]"#)
                let json = try await Registration.registered(p, #"{"redirect_uris":["https://rp-a.example/cb","https://rp-b.example/cb"],"subject_type":"pairwise","sector_identifier_uri":"\#(server.url("/sector.json"))"}"#)
                #expect(json["subject_type"] as? String == "pairwise")
                let rp = try Registration.rp(json)
                let sub = try #require(try await p.signIn(rp).idToken["sub"] as? String)
                let publicSub = try #require(try await p.signIn(try await p.registerClient()).idToken["sub"] as? String)
                let salt = try ServerSecretFile.loadOrCreate(directory: p.settings.keysDirectory, name: ServerSecretFile.pairwiseSaltName)
                #expect(sub == PairwiseSubject.subject(sector: "127.0.0.1", localID: publicSub, salt: salt))
                // A document that leaves out a redirect URI fails the registration.
                server.set("/sector.json", #"["https://rp-a.example/cb"]"#)
                let refused = try await Registration.register(p, #"{"redirect_uris":["https://rp-a.example/cb","https://rp-b.example/cb"],"subject_type":"pairwise","sector_identifier_uri":"\#(server.url("/sector.json"))"}"#)
                #expect(refused.status == 400)
                #expect(refused.error == "invalid_client_metadata")
                #expect(refused.errorDescription == "redirect_uris[1] is not listed in the sector_identifier_uri document")
            }
        }
    }

    @Test("Back-Channel Logout 1.0 §2.4 with a pairwise client: the logout token's sub is the pairwise subject")
    func pairwiseLogoutToken() async throws {
        try await BackchannelReceiver.run { receiver in
            try await TestProvider.run { p in
                let rp = try await p.registerPairwiseClient(redirectURI: "https://rp-a.example/cb")
                try await p.updateClient(rp) { $0.backchannelLogoutURI = receiver.uri }
                let session = try await p.signIn(rp)
                _ = try await p.browser.get(AuthorizationResponse.append([("id_token_hint", session.rawIDToken)], to: p.issuer + "/logout"))
                let tokens = try await receiver.waitFor(1)
                let token = try #require(tokens.first)
                let claims = try #require(CompactJWS(token)?.claims)
                #expect(claims["sub"]?.stringValue == session.idToken["sub"] as? String)
            }
        }
    }
}

extension TestProvider {
    func registerPairwiseClient(redirectURI: String) async throws -> RP {
        let request = ClientMetadataRequest(
            redirectURIs: [redirectURI], grantTypes: ["authorization_code", "refresh_token"], clientName: "pairwise rp", subjectType: "pairwise"
        )
        let registered = try await registry.register(request, origin: .admin)
        return RP(clientID: registered.client.id, secret: registered.secret, redirectURI: redirectURI)
    }
}
