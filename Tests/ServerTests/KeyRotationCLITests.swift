import Foundation
import OIDC
@testable import Server
import Storage
import Testing

/// The `wechat-oidc keys` command, run as the separate process it is in production, against
/// two running servers on the same database.
@Suite("wechat-oidc keys, as another process", .serialized)
struct KeyRotationCLITests {
    /// The `wechat-oidc` executable built next to the test bundle.
    static func executable() throws -> String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("wechat-oidc").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestFailure("wechat-oidc is not built next to \(CommandLine.arguments[0]); run `swift build` first")
    }

    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `wechat-oidc keys …` and waits for it on a thread of its own (not on the cooperative
    /// pool the servers under test need).
    static func keys(_ arguments: [String], cluster: KeyRotationCluster, prepublication: Int = 3600) async throws -> Outcome {
        let executable = try executable()
        let (databaseURL, keysDirectory) = (cluster.databaseURL, cluster.keysDirectory)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try run(executable, arguments, databaseURL: databaseURL, keysDirectory: keysDirectory, prepublication: prepublication)
                })
            }
        }
    }

    private static func run(
        _ executable: String, _ arguments: [String], databaseURL: String, keysDirectory: String, prepublication: Int
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["keys"] + arguments
        process.environment = [
            "WECHAT_OIDC_DATABASE_URL": databaseURL,
            "WECHAT_OIDC_KEYS_DIR": keysDirectory,
            "WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS": String(prepublication),
            "PATH": "/usr/bin:/bin",
        ]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test("keys rotate / list / retire from another process: published at once, signing after keys.prepublication, on both servers")
    func rotateFromTheCommandLine() async throws {
        try await KeyRotationCluster.run(servers: 2) { cluster in
            let (a, b) = (cluster.servers[0], cluster.servers[1])
            let old = try #require(try await a.jwks().keys.first)

            let refused = try await Self.keys(["retire", "--", old], cluster: cluster)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("active RS256 key"), "\(refused.stderr)")

            let rotated = try await Self.keys(["rotate"], cluster: cluster, prepublication: 600)
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let fields = rotated.stdout.split(separator: "\t").map(String.init)
            let new = try #require(fields.first)
            #expect(fields.dropFirst().prefix(2) == ["RS256", "next"])
            #expect(rotated.stderr.contains("published now"))

            let listing = try await Self.keys(["list"], cluster: cluster).stdout
            #expect(listing.contains("\(new)\tRS256\tnext\t"))
            #expect(listing.contains("activates "))
            #expect(listing.contains(" min)"))
            #expect(listing.contains("\(old)\tRS256\tactive\t"))

            let rp = try await b.registerClient()
            for server in [a, b] {
                #expect(try await eventually { try await Set(server.jwks().keys) == [old, new] })
            }
            #expect(try await b.signedIDTokenHeader(rp)["kid"] == old)

            // The servers' clock passes the activation time (the command used the wall clock).
            cluster.clock.advance(seconds: Date().timeIntervalSince(cluster.clock.now()) + 601)
            for server in [a, b] {
                #expect(try await eventually { try await server.signingKidFromJWKS() == new })
            }
            #expect(try await b.signedIDTokenHeader(rp)["kid"] == new)
            let states = try await Self.keys(["list"], cluster: cluster).stdout
            #expect(states.contains("\(old)\tRS256\tprevious\t"))
            #expect(states.contains("\(new)\tRS256\tactive\t"))

            let retired = try await Self.keys(["retire", "--", old], cluster: cluster)
            #expect(retired.status == 0, "\(retired.stderr)")
            for server in [a, b] {
                #expect(try await eventually { try await server.jwks().keys.sorted() == [new] })
            }

            // ES256 through the command line; --now for an emergency rotation.
            let generated = try await Self.keys(["generate", "--alg", "ES256"], cluster: cluster)
            #expect(generated.status == 0, "\(generated.stderr)")
            #expect(generated.stdout.split(separator: "\t").dropFirst().prefix(2) == ["ES256", "active"])
            #expect(try await eventually { try await a.idTokenAlgorithms() == ["RS256", "ES256"] })
            let emergency = try await Self.keys(["rotate", "--alg", "es256", "--now"], cluster: cluster)
            #expect(emergency.status == 0, "\(emergency.stderr)")
            #expect(emergency.stdout.split(separator: "\t").dropFirst().prefix(2) == ["ES256", "active"])
            let bad = try await Self.keys(["generate", "--alg", "HS256"], cluster: cluster)
            #expect(bad.status != 0)
        }
    }
}
