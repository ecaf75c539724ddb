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
    /// A confidential client that has made one successful exchange, so the token endpoint
    /// remembers it.
    static func rememberedClient(_ p: TestProvider) async throws -> TestProvider.RP {
        let rp = try await p.registerClient()
        #expect(try await p.token(rp, code: try #require(try await p.login(rp)["code"])).status == 200)
        return rp
    }

    /// RFC 6749 §5.2: 401 `invalid_client`.
    static func expectInvalidClient(
        _ reply: (status: Int, json: [String: Any], headers: TestBrowser.Page), sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(reply.status == 401, sourceLocation: sourceLocation)
        #expect(reply.json["error"] as? String == "invalid_client", sourceLocation: sourceLocation)
    }

    @Test("a secret rotated in the database is refused at once and the new one works at once")
    func rotatedSecret() async throws {
        try await TestProvider.run { p in
            let rp = try await Self.rememberedClient(p)
            let newSecret = try await p.registry.rotateSecret(id: rp.clientID)
            let withOld = try await p.token(rp, code: try #require(try await p.login(rp)["code"]))
            Self.expectInvalidClient(withOld)
            #expect(withOld.headers.header("WWW-Authenticate") != nil)
            #expect(withOld.json["id_token"] == nil)

            let rotated = TestProvider.RP(clientID: rp.clientID, secret: newSecret, redirectURI: rp.redirectURI)
            #expect(try await p.token(rotated, code: try #require(try await p.login(rotated)["code"])).status == 200)
            // client_secret_post with the old secret, too.
            Self.expectInvalidClient(try await p.token(rp, code: try #require(try await p.login(rp)["code"]), basic: false))
        }
    }

    @Test("a client deleted in the database is refused at once, whether or not the code is valid")
    func deletedClient() async throws {
        try await TestProvider.run { p in
            let rp = try await Self.rememberedClient(p)
            let code = try #require(try await p.login(rp)["code"])
            #expect(try await p.stores.clients.delete(id: rp.clientID))
            Self.expectInvalidClient(try await p.token(rp, code: code))
            Self.expectInvalidClient(try await p.token(rp, code: "no-such-code"))
        }
    }

    @Test("a client updated in the database is used as stored: a changed auth method is enforced at once")
    func updatedClient() async throws {
        try await TestProvider.run { p in
            let rp = try await Self.rememberedClient(p)
            let code = try #require(try await p.login(rp)["code"])
            var stored = try #require(try await p.stores.clients.find(id: rp.clientID))
            stored.authMethod = .privateKeyJWT
            #expect(try await p.stores.clients.update(stored))
            let refused = try await p.token(rp, code: code)
            Self.expectInvalidClient(refused)
            #expect(refused.json["error_description"] as? String == "this client must authenticate with private_key_jwt")
        }
    }

    @Test("an unknown code from a client whose secret was rotated is invalid_client, not invalid_grant")
    func unknownCodeAfterRotation() async throws {
        try await TestProvider.run { p in
            let rp = try await Self.rememberedClient(p)
            _ = try await p.registry.rotateSecret(id: rp.clientID)
            Self.expectInvalidClient(try await p.token(rp, code: "no-such-code"))
        }
    }
}
