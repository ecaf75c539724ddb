import Foundation
import Logging
@testable import Server
import Storage
import Testing

/// `wechat-oidc users show` and `users link`, run as the separate process they are in production.
@Suite("wechat-oidc users, as another process", .serialized)
struct UsersCLITests {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `wechat-oidc users …` on a thread of its own.
    static func users(_ arguments: [String], databaseURL: String) async throws -> Outcome {
        let executable = try KeyRotationCLITests.executable()
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = ["users"] + arguments
                    process.environment = ["WECHAT_OIDC_DATABASE_URL": databaseURL, "PATH": "/usr/bin:/bin"]
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

    @Test("users show prints identities and merges; users link moves an identity and records it")
    func showAndLink() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-users-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let databaseURL = directory + "/users.sqlite"
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let stores = try await SQLStores.open(databaseURL: databaseURL, logger: logger)
        let union = IdentityKey.unionID("union-1", openPlatformID: "gh_open00000001")
        let web = IdentityKey.openID("openid-web", appID: "wx1111111111111111")
        let stray = IdentityKey.openID("openid-oa", appID: "wx2222222222222222")
        do {
            _ = try await stores.users.findOrCreate(identities: [union, web], profile: ProfileUpdate(nickname: "小明"), newUserID: "personAAAAAAAAAAAAAAAAAA", now: Date())
            _ = try await stores.users.findOrCreate(identities: [stray], profile: ProfileUpdate(), newUserID: "strayBBBBBBBBBBBBBBBBBBB", now: Date())
            try await stores.shutdown()
        } catch {
            try? await stores.shutdown()
            throw error
        }

        let shown = try await Self.users(["show", "personAAAAAAAAAAAAAAAAAA"], databaseURL: databaseURL)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("sub:         personAAAAAAAAAAAAAAAAAA"))
        #expect(shown.stdout.contains("nickname:    小明"))
        #expect(shown.stdout.contains("unionid union-1 (Open Platform gh_open00000001)"))
        #expect(shown.stdout.contains("openid openid-web (appid wx1111111111111111)"))

        let linked = try await Self.users(
            ["link", "personAAAAAAAAAAAAAAAAAA", "--openid", "openid-oa", "--appid", "wx2222222222222222"], databaseURL: databaseURL)
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(linked.stdout == "Moved openid openid-oa from strayBBBBBBBBBBBBBBBBBBB to personAAAAAAAAAAAAAAAAAA.\n")

        let json = try await Self.users(["show", "personAAAAAAAAAAAAAAAAAA", "--json"], databaseURL: databaseURL)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["identities"] as? [[String: String]])?.count == 3)
        let merges = try #require(object["merges"] as? [[String: Any]])
        #expect(merges.count == 1)
        #expect(merges.first?["from"] as? String == "strayBBBBBBBBBBBBBBBBBBB")
        #expect(merges.first?["reason"] as? String == "manual")

        let gone = try await Self.users(["show", "strayBBBBBBBBBBBBBBBBBBB"], databaseURL: databaseURL)
        #expect(gone.status != 0)
        #expect(gone.stderr.contains("user strayBBBBBBBBBBBBBBBBBBB was merged into personAAAAAAAAAAAAAAAAAA"), "\(gone.stderr)")
        let unknown = try await Self.users(["link", "nobody", "--unionid", "u", "--open-platform-id", "gh_x"], databaseURL: databaseURL)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no user nobody"), "\(unknown.stderr)")
        let bad = try await Self.users(["link", "personAAAAAAAAAAAAAAAAAA", "--openid", "o"], databaseURL: databaseURL)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("give --unionid with --open-platform-id, or --openid with --appid"), "\(bad.stderr)")
    }
}
