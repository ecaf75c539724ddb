import Foundation
import Logging
import OIDC
import Server
import Storage

/// A SQLite store in a temporary directory with one confidential client and one user, for the
/// hot-path benchmarks.
struct HotPathFixture: Sendable {
    let directory: String
    let stores: Stores
    let client: ClientRecord
    let secret: String
    let userID: String

    static var logger: Logger {
        var logger = Logger(label: "benchmarks")
        logger.logLevel = .error
        return logger
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func open() async throws -> HotPathFixture {
        let directory = try temporaryDirectory()
        let stores = try await SQLStores.open(databaseURL: directory + "/db.sqlite", logger: logger)
        let (client, secret) = try await ClientRegistry(store: stores.clients).create(
            name: "bench", redirectURIs: ["https://rp.example/cb"], isPublic: false
        )
        let user = try await stores.users.findOrCreate(
            identities: [.openID("bench-openid", appID: "wxbench0000000000")],
            profile: ProfileUpdate(nickname: "bench"), newUserID: SystemRandomSource().alphanumeric(length: 24), now: Date()
        )
        return HotPathFixture(directory: directory, stores: stores, client: client, secret: secret ?? "", userID: user.id)
    }

    func mintCodes(_ count: Int) async throws -> [String] {
        let random = SystemRandomSource()
        let now = Date()
        var codes: [String] = []
        for _ in 0..<count {
            let code = random.token()
            try await stores.codes.create(AuthorizationCodeRecord(
                codeHash: SecretHash.sha256(code), grantID: random.token(bytes: 16), clientID: client.id,
                redirectURI: "https://rp.example/cb", userID: userID, scopes: ["openid"], nonce: "n",
                codeChallenge: nil, codeChallengeMethod: nil, authTime: now, amr: ["wechat_qr"],
                createdAt: now, expiresAt: now.addingTimeInterval(600)
            ))
            codes.append(code)
        }
        return codes
    }

    func close() async throws {
        try await stores.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
