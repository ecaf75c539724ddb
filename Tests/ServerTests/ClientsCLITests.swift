import Foundation
import OIDC
@testable import Server
import Storage
import Testing

/// `wechat-oidc clients create` and `rotate-secret` for the JWT methods, request URIs and
/// pairwise subjects, run as the separate process they are in production, against a running
/// server on the same database and keys directory.
@Suite("wechat-oidc clients for JWT authentication, as another process", .serialized)
struct ClientsCLITests {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]) ?? [:] }
    }

    static func clients(_ arguments: [String], cluster: KeyRotationCluster) async throws -> Outcome {
        let executable = try KeyRotationCLITests.executable()
        let (databaseURL, keysDirectory) = (cluster.databaseURL, cluster.keysDirectory)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = ["clients"] + arguments
                    process.environment = ["WECHAT_OIDC_DATABASE_URL": databaseURL, "WECHAT_OIDC_KEYS_DIR": keysDirectory, "PATH": "/usr/bin:/bin"]
                    let out = Pipe()
                    let err = Pipe()
                    process.standardOutput = out
                    process.standardError = err
                    try process.run()
                    let stdout = out.fileHandleForReading.readDataToEndOfFile()
                    let stderr = err.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
                })
            }
        }
    }

    func exchange(_ p: TestProvider, _ rp: TestProvider.RP, assertion: String) async throws -> Int {
        let code = try #require(try await p.login(rp)["code"])
        return try await p.browser.get(p.issuer + "/token", method: .POST, form: [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", rp.redirectURI),
            ("client_assertion_type", ClientAssertionRules.assertionType), ("client_assertion", assertion),
        ]).status
    }

    func claims(_ p: TestProvider, _ rp: TestProvider.RP) -> [String: JSONValue] {
        ClientSigner.assertionClaims(clientID: rp.clientID, audience: .string(p.issuer + "/token"), expiresAt: p.clock.now().addingTimeInterval(60))
    }

    @Test("clients create --auth-method client_secret_jwt seals the secret with the server's key; rotate-secret seals the new one")
    func clientSecretJWT() async throws {
        try await KeyRotationCluster.run(servers: 1) { cluster in
            let p = cluster.servers[0]
            let created = try await Self.clients(["create", "--name", "cli jwt", "--redirect-uri", "https://rp.example/cb",
                                                  "--auth-method", "client_secret_jwt", "--json"], cluster: cluster)
            #expect(created.status == 0, "\(created.stderr)")
            let id = try #require(created.json["client_id"] as? String)
            let secret = try #require(created.json["client_secret"] as? String)
            #expect(created.json["token_endpoint_auth_method"] as? String == "client_secret_jwt")
            let rp = TestProvider.RP(clientID: id, secret: secret, redirectURI: "https://rp.example/cb")
            #expect(try await exchange(p, rp, assertion: try await ClientSigner.signHS256(claims(p, rp), secret: secret)) == 200)

            let rotated = try await Self.clients(["rotate-secret", id, "--json"], cluster: cluster)
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let newSecret = try #require(rotated.json["client_secret"] as? String)
            #expect(try await exchange(p, rp, assertion: try await ClientSigner.signHS256(claims(p, rp), secret: newSecret)) == 200)
            #expect(try await exchange(p, rp, assertion: try await ClientSigner.signHS256(claims(p, rp), secret: secret)) == 401)
        }
    }

    @Test("clients create --auth-method private_key_jwt --jwks-file, --request-uri, --subject-type pairwise; private_key_jwt without keys is refused")
    func privateKeyJWTAndMore() async throws {
        try await KeyRotationCluster.run(servers: 1) { cluster in
            let p = cluster.servers[0]
            let signer = ClientSigner()
            let jwksFile = cluster.keysDirectory + "/../client-jwks.json"
            try signer.jwks.serialized.write(toFile: jwksFile, atomically: true, encoding: .utf8)
            let created = try await Self.clients([
                "create", "--name", "cli keys", "--redirect-uri", "https://rp.example/cb", "--auth-method", "private_key_jwt",
                "--jwks-file", jwksFile, "--request-uri", "https://rp.example/request.jwt", "--request-object-signing-alg", "ES256",
                "--subject-type", "pairwise", "--json",
            ], cluster: cluster)
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.json["client_secret"] == nil)
            #expect(created.json["request_uris"] as? [String] == ["https://rp.example/request.jwt"])
            #expect(created.json["request_object_signing_alg"] as? String == "ES256")
            #expect(created.json["subject_type"] as? String == "pairwise")
            #expect(created.json["sector_identifier"] as? String == "rp.example")
            let rp = TestProvider.RP(clientID: try #require(created.json["client_id"] as? String), secret: nil, redirectURI: "https://rp.example/cb")
            #expect(try await exchange(p, rp, assertion: try await signer.sign(claims(p, rp))) == 200)

            let refused = try await Self.clients(["create", "--name", "no keys", "--redirect-uri", "https://rp.example/cb", "--auth-method", "private_key_jwt"], cluster: cluster)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("private_key_jwt requires jwks or jwks_uri"), "\(refused.stderr)")
        }
    }
}
