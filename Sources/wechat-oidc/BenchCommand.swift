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
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure logins/s and token exchanges/s (in-process server + simulator, real sockets)."
    )

    @Option(help: "Port for the benchmark server.") var port = 18090
    @Option(help: "Number of full logins to time.") var logins = 1000
    @Option(help: "Number of token exchanges to time.") var exchanges = 3000
    @Option(help: "Concurrent clients.") var concurrency = 32
    @Option(help: "ID tokens to sign in the signing-only measurement (0 skips it).") var signs = 2000

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let issuer = "http://127.0.0.1:\(port)"
        var simConfig = SimulatorConfiguration.development(callbackDomain: "127.0.0.1:\(port)")
        simConfig.autoApproveUserID = simConfig.users.first?.id
        guard let app = simConfig.apps.first else { throw CommandFailure("no simulated app") }
        let simulator = WeChatSimulator(configuration: simConfig, logger: logger)
        let base = issuer + ProviderApplication.simulatorMountPath
        let settings = ProviderSettings(
            issuer: issuer, httpHost: "127.0.0.1", httpPort: port,
            databaseURL: directory + "/bench.sqlite", keysDirectory: directory + "/keys",
            wechatEndpoints: WeChatEndpoints(openBaseURL: base, apiBaseURL: base),
            website: WeChatAppCredentials(kind: .website, appID: app.appID, secret: app.secret),
            openPlatformID: app.openPlatformID, codeLifetime: 600
        )
        let stores = try await SQLStores.open(databaseURL: settings.databaseURL, logger: logger)
        let redirectURI = "http://127.0.0.1:9/cb"
        let (client, secret) = try await ClientRegistry(store: stores.clients).create(name: "bench", redirectURIs: [redirectURI], isPublic: false)
        guard let secret else { throw CommandFailure("no secret") }
        let serverClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let application = try await ProviderApplication.buildApplication(
            settings: settings, stores: stores, httpClient: serverClient, extras: .init(simulator: simulator), logger: logger
        )
        let driver = LoginDriver(issuer: issuer, clientID: client.id, clientSecret: secret, redirectURI: redirectURI)
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
        try await driver.shutdown()
        try await serverClient.shutdown()
        try await stores.shutdown()
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
