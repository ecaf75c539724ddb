import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import OIDC
import Server
import Storage
import WeChat
import WeChatSimulator

/// `wechat-oidc bench`: measures, on this machine, full simulated logins per second and token
/// exchanges per second against a real server on a real port. `bench/run.sh` runs it next to
/// `openssl speed -seconds 3 rsa2048`, the ceiling of RS256 signing.
///
/// Two modes:
/// - default: server and load generator (AsyncHTTPClient) in this one process; measures full
///   logins/s, exchanges/s and signing alone. The load generator shares the process and its
///   CPU, so the exchange figure is pessimistic.
/// - `--serve-only`: only the server runs here. It pre-mints `--codes` authorization codes
///   (into the real code store, or through full simulated logins with `--mint login`), writes
///   the token requests that redeem them to `--codes-file`, and serves until SIGINT/SIGTERM, so
///   an external load generator (`wrk` with `bench/token-exchange.lua`) can post each code once.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure logins/s and token exchanges/s (in-process), or serve pre-minted codes to an external load generator (--serve-only)."
    )

    enum MintMode: String, ExpressibleByArgument, CaseIterable {
        /// Codes written through the real `CodeStore`, as the callback writes them.
        case direct
        /// Codes from full simulated logins over loopback (authorize → simulator → callback).
        case login
    }

    @Option(help: "Port for the benchmark server.") var port = 18090
    @Option(help: "Number of full logins to time.") var logins = 1000
    @Option(help: "Number of token exchanges to time.") var exchanges = 3000
    @Option(help: "Concurrent clients.") var concurrency = 32
    @Option(help: "ID tokens to sign in the signing-only measurement (0 skips it).") var signs = 2000
    @Flag(name: .customLong("serve-only"), help: "Serve pre-minted codes to an external load generator until SIGINT/SIGTERM.")
    var serveOnly = false
    @Option(help: "--serve-only: codes to pre-mint.") var codes = 30000
    @Option(help: "--serve-only: how to mint codes (direct: through the code store; login: full simulated logins).")
    var mint: MintMode = .direct
    @Option(name: .customLong("codes-file"), help: "--serve-only: where to write the token requests (first line the Authorization header, then one form body per code); written once all codes exist.")
    var codesFile = "bench-codes.txt"
    @Option(name: .customLong("data-dir"), help: "Directory for the benchmark database and keys (default: a new temporary directory, removed at exit).")
    var dataDirectory: String?
    @Option(name: .customLong("database-url"), help: "Benchmark on this database instead of a SQLite file in the data directory (e.g. postgres://…).")
    var databaseURL: String?

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-bench-\(UUID().uuidString)").path
        let directory = dataDirectory ?? temporary
        defer { if dataDirectory == nil { try? FileManager.default.removeItem(atPath: temporary) } }
        let setup = try await BenchSetup.start(
            port: port, directory: directory, databaseURL: databaseURL, codeLifetime: serveOnly ? 3600 : 600, logger: logger
        )
        if serveOnly {
            try await serve(setup)
        } else {
            try await measureInProcess(setup)
        }
    }

    private func measureInProcess(_ setup: BenchSetup) async throws {
        let application = try await setup.application()
        let driver = setup.driver
        let (logins, exchanges, concurrency) = (self.logins, self.exchanges, self.concurrency)
        var report: [String] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Ends with the benchmark (cancellation is the normal way out).
                try? await application.runService(gracefulShutdownSignals: [])
            }
            try await driver.waitUntilUp()
            // Warm up.
            for _ in 0..<20 { _ = try await driver.exchange(try await driver.login()) }

            let loginStart = ContinuousClock.now
            try await driver.parallel(count: logins, concurrency: concurrency) { _ = try await driver.exchange(try await driver.login()) }
            let loginSeconds = (ContinuousClock.now - loginStart).seconds
            report.append(String(format: "full logins (authorize → simulator → callback → token): %d in %.2f s = %.0f logins/s", logins, loginSeconds, Double(logins) / loginSeconds))

            let codes = Codes()
            try await driver.parallel(count: exchanges, concurrency: concurrency) { await codes.add(try await driver.login()) }
            let all = await codes.all
            let next = Codes(all)
            let exchangeStart = ContinuousClock.now
            try await driver.parallel(count: all.count, concurrency: concurrency) {
                guard let code = await next.pop() else { return }
                _ = try await driver.exchange(code)
            }
            let exchangeSeconds = (ContinuousClock.now - exchangeStart).seconds
            report.append(String(format: "token exchanges (RS256 ID token + access token): %d in %.2f s = %.0f exchanges/s", all.count, exchangeSeconds, Double(all.count) / exchangeSeconds))
            group.cancelAll()
        }
        try await setup.shutdown()
        if signs > 0 { report.append(try await Self.measureSigning(count: signs)) }
        print("wechat-oidc bench on \(ProcessInfo.processInfo.activeProcessorCount) cores, concurrency \(concurrency)")
        for line in report { print("  " + line) }
    }
}

extension BenchCommand {
    /// RS256 ID tokens signed per second by `KeySet.sign` alone (claims encoding, base64url,
    /// OpenSSL signature), on as many tasks as cores: the ceiling of the token endpoint.
    static func measureSigning(count: Int) async throws -> String {
        let (kid, pem) = try SigningKeyMaterial.generateRSA()
        let keySet = try KeySet(active: try SigningKeyMaterial(kid: kid, pem: pem), alsoPublished: [])
        let claims = IDTokenClaims(iss: "https://id.example.com", sub: "u", aud: "c", exp: 2, iat: 1, authTime: 1, nonce: "n", atHash: "h", amr: ["wechat_qr"])
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    for _ in stride(from: worker, to: count, by: workers) { _ = try keySet.sign(claims) }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (ContinuousClock.now - start).seconds
        return String(format: "ID token signing alone (%d tasks): %d in %.2f s = %.0f signs/s", workers, count, seconds, Double(count) / seconds)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Codes collected for the exchange phase.
actor Codes {
    private var codes: [String]
    init(_ codes: [String] = []) { self.codes = codes }
    func add(_ code: String) { codes.append(code) }
    func pop() -> String? { codes.popLast() }
    var all: [String] { codes }
}
