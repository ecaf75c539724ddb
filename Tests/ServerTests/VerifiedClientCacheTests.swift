import Foundation
import OIDC
@testable import Server
import Storage
import Testing

/// The token endpoint authenticates the code grant against a remembered client, confirmed by the
/// statement that redeems the code: changes made in the database by another process (the CLI, a
/// replica) are honoured by the very next request, as RFC 6749 §2.3.1 client authentication
/// requires of the credentials currently registered.
@Suite("Remembered clients at the token endpoint")
struct VerifiedClientCacheTests {
    @Test("a secret rotated in the database is refused at once and the new one works at once")
    func rotatedSecret() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            // Remembered after this exchange.
            let first = try #require(try await p.login(rp)["code"])
            #expect(try await p.token(rp, code: first).status == 200)

            let newSecret = try await p.registry.rotateSecret(id: rp.clientID)
            let withOld = try await p.token(rp, code: try #require(try await p.login(rp)["code"]))
            #expect(withOld.status == 401)
            #expect(withOld.json["error"] as? String == "invalid_client")
            #expect(withOld.headers.header("WWW-Authenticate") != nil)
            #expect(withOld.json["id_token"] == nil)

            let rotated = TestProvider.RP(clientID: rp.clientID, secret: newSecret, redirectURI: rp.redirectURI)
            #expect(try await p.token(rotated, code: try #require(try await p.login(rotated)["code"])).status == 200)
            // client_secret_post with the old secret, too.
            let post = try await p.token(rp, code: try #require(try await p.login(rp)["code"]), basic: false)
            #expect(post.status == 401)
            #expect(post.json["error"] as? String == "invalid_client")
        }
    }

    @Test("a client deleted in the database is refused at once, whether or not the code is valid")
    func deletedClient() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            #expect(try await p.token(rp, code: try #require(try await p.login(rp)["code"])).status == 200)
            let code = try #require(try await p.login(rp)["code"])
            #expect(try await p.stores.clients.delete(id: rp.clientID))
            let valid = try await p.token(rp, code: code)
            #expect(valid.status == 401)
            #expect(valid.json["error"] as? String == "invalid_client")
            let unknown = try await p.token(rp, code: "no-such-code")
            #expect(unknown.status == 401)
            #expect(unknown.json["error"] as? String == "invalid_client")
        }
    }

    @Test("a client updated in the database is used as stored: a changed auth method is enforced at once")
    func updatedClient() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            #expect(try await p.token(rp, code: try #require(try await p.login(rp)["code"])).status == 200)
            let code = try #require(try await p.login(rp)["code"])
            var stored = try #require(try await p.stores.clients.find(id: rp.clientID))
            stored.authMethod = .privateKeyJWT
            #expect(try await p.stores.clients.update(stored))
            let refused = try await p.token(rp, code: code)
            #expect(refused.status == 401)
            #expect(refused.json["error"] as? String == "invalid_client")
            #expect(refused.json["error_description"] as? String == "this client must authenticate with private_key_jwt")
        }
    }

    @Test("an unknown code from a client whose secret was rotated is invalid_client, not invalid_grant")
    func unknownCodeAfterRotation() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            #expect(try await p.token(rp, code: try #require(try await p.login(rp)["code"])).status == 200)
            _ = try await p.registry.rotateSecret(id: rp.clientID)
            let answer = try await p.token(rp, code: "no-such-code")
            #expect(answer.status == 401)
            #expect(answer.json["error"] as? String == "invalid_client")
        }
    }
}
