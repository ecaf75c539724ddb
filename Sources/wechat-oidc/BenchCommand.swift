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
/// exchanges per second against a real server on a real port, next to `openssl speed rsa2048`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure logins/s and token exchanges/s (in-process server + simulator, real sockets)."
    )

    @Option(help: "Port for the benchmark server.") var port = 18090
    @Option(help: "Number of full logins to time.") var logins = 1000
    @Option(help: "Number of token exchanges to time.") var exchanges = 3000
    @Option(help: "Concurrent clients.") var concurrency = 32
    @Flag(name: .customLong("skip-openssl"), help: "Do not run `openssl speed -seconds 3 rsa2048`.") var skipOpenSSL = false

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let issuer = "http://127.0.0.1:\(port)"
        var simConfig = SimulatorConfiguration.development(callbackDomain: "127.0.0.1:\(port)")
        simConfig.autoApproveUserID = simConfig.users.first?.id
        guard let app = simConfig.apps.first else { throw ValidationError("no simulated app") }
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
        guard let secret else { throw ValidationError("no secret") }
        let serverClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let application = try await ProviderApplication.buildApplication(
            settings: settings, stores: stores, httpClient: serverClient, extras: .init(simulator: simulator), logger: logger
        )
        let driver = LoginDriver(issuer: issuer, clientID: client.id, clientSecret: secret, redirectURI: redirectURI)
        var report: [String] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.runService(gracefulShutdownSignals: []) }
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
        print("wechat-oidc bench on \(ProcessInfo.processInfo.activeProcessorCount) cores, concurrency \(concurrency)")
        for line in report { print("  " + line) }
        if !skipOpenSSL { print("  " + Self.opensslSpeed()) }
    }

    /// Runs `openssl speed -seconds 3 rsa2048` and returns its RSA-2048 line.
    static func opensslSpeed() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "speed", "-seconds", "3", "rsa2048"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            let line = text.split(separator: "\n").last { $0.hasPrefix("rsa 2048") || $0.hasPrefix("rsa  2048") } ?? "not found"
            return "openssl speed -seconds 3 rsa2048 (sign, verify, sign/s, verify/s): \(line)"
        } catch {
            return "openssl speed could not run: \(error)"
        }
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
