import Foundation
import Testing
@testable import Server

/// Runs a command on a thread of its own (never on the cooperative pool); returns stdout.
func runTool(_ path: String, _ arguments: [String], input: String = "") async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: path)
                process.arguments = arguments
                let out = Pipe()
                let stdin = Pipe()
                process.standardOutput = out
                process.standardError = FileHandle.nullDevice
                process.standardInput = stdin
                try process.run()
                stdin.fileHandleForWriting.write(Data(input.utf8))
                try stdin.fileHandleForWriting.close()
                let data = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return (process.terminationStatus, String(decoding: data, as: UTF8.self))
            })
        }
    }
}

@Suite("Built-in TLS: tls.certificate and tls.key, reloaded when the files change", .serialized)
struct BuiltInTLSTests {
    static let openssl = "/usr/bin/openssl"

    /// A self-signed certificate for 127.0.0.1 with common name `name`, written to `directory`.
    static func makeCertificate(_ name: String, in directory: String, file: String) async throws -> (certificate: String, key: String) {
        let certificate = directory + "/\(file).crt"
        let key = directory + "/\(file).key"
        let made = try await runTool(openssl, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=\(name)",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        try #require(made.status == 0)
        return (certificate, key)
    }

    /// The subject of the certificate the server presents on a new connection.
    static func servedSubject(port: Int) async throws -> String {
        let handshake = try await runTool(openssl, ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"], input: "")
        let pem = handshake.output
        let subject = try await runTool(openssl, ["x509", "-noout", "-subject"], input: pem)
        return subject.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("the provider serves HTTPS with the configured pair, and a renewed pair without a restart")
    func servesAndReloads() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.openssl), "needs \(Self.openssl)")
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await Self.makeCertificate("first.test", in: directory, file: "served")
        var options = TestProvider.Options()
        options.tls = first
        try await TestProvider.run(options) { p in
            #expect(p.issuer.hasPrefix("https://"))
            let port = try #require(Int(p.issuer.split(separator: ":").last ?? ""))
            let discovery = try await p.browser.get(p.issuer + "/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            #expect(discovery.body.contains("\"issuer\":\"\(p.issuer)\""))
            #expect(try await Self.servedSubject(port: port).contains("first.test"))

            // A renewal writes both files; the next handshakes present the new certificate.
            let second = try await Self.makeCertificate("second.test", in: directory, file: "renewed")
            try FileManager.default.removeItem(atPath: first.certificate)
            try FileManager.default.removeItem(atPath: first.key)
            try FileManager.default.copyItem(atPath: second.key, toPath: first.key)
            try FileManager.default.copyItem(atPath: second.certificate, toPath: first.certificate)
            var subject = ""
            for _ in 0..<40 {
                subject = try await Self.servedSubject(port: port)
                if subject.contains("second.test") { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(subject.contains("second.test"))
            #expect(try await p.browser.get(p.issuer + "/healthz").status == 200)
        }
    }

    @Test("a renewal that cannot be loaded keeps the previous pair in service")
    func brokenRenewalKeepsServing() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.openssl), "needs \(Self.openssl)")
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await Self.makeCertificate("first.test", in: directory, file: "served")
        let other = try await Self.makeCertificate("other.test", in: directory, file: "other")
        let reloader = try TLSCertificateReloader(certificatePath: first.certificate, keyPath: first.key)
        // A key that does not belong to the certificate.
        try FileManager.default.removeItem(atPath: first.key)
        try FileManager.default.copyItem(atPath: other.key, toPath: first.key)
        #expect(!reloader.reloadIfChanged(logger: .init(label: "test")))
        #expect(reloader.servedChain.count == 1)
        // Garbage in the certificate file.
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: first.certificate))
        #expect(!reloader.reloadIfChanged(logger: .init(label: "test")))
        // Both files of the other pair: loaded.
        try FileManager.default.removeItem(atPath: first.certificate)
        try FileManager.default.copyItem(atPath: other.certificate, toPath: first.certificate)
        #expect(reloader.reloadIfChanged(logger: .init(label: "test")))
    }

    @Test("start-up stops naming the setting when the pair cannot be loaded")
    func startupErrors() async throws {
        var settings = OperationsSettings()
        settings.tlsCertificatePath = "/nonexistent/cert.pem"
        settings.tlsKeyPath = "/nonexistent/key.pem"
        #expect(throws: SettingsError.self) { try ProviderApplication.tlsReloader(settings) }
        do {
            _ = try ProviderApplication.tlsReloader(settings)
        } catch let error as SettingsError {
            #expect(error.key == "tls.certificate")
        }
        #expect(try ProviderApplication.tlsReloader(OperationsSettings()) == nil)
    }
}
