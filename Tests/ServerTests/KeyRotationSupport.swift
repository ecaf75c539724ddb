import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import OIDC
@testable import Server
import Storage
import WeChat
import WeChatSimulator

/// Replicas: several real provider servers on one SQLite file and one keys directory, each with
/// its own database connection (as separate processes have), sharing one manual clock. Each is
/// a `TestProvider`, so the usual login helpers work against any of them.
struct KeyRotationCluster: Sendable {
    let servers: [TestProvider]
    let databaseURL: String
    let keysDirectory: String
    let clock: ManualProviderClock

    /// Runs `body` with a key manager on a connection of its own, like the `keys` command in
    /// another process; it shares the servers' clock.
    func withAdminManager<T: Sendable>(_ body: @Sendable (SigningKeyManager) async throws -> T) async throws -> T {
        let stores = try await SQLStores.open(databaseURL: databaseURL, logger: Self.logger)
        do {
            let result = try await body(SigningKeyManager(store: stores.signingKeys, directory: keysDirectory, clock: clock))
            try await stores.shutdown()
            return result
        } catch {
            try? await stores.shutdown()
            throw error
        }
    }

    /// Like `withAdminManager`, with `count` managers on connections of their own, opened one
    /// after the other and kept for the whole of `body`.
    func withAdminManagers<T: Sendable>(_ count: Int, _ body: @Sendable ([SigningKeyManager]) async throws -> T) async throws -> T {
        var opened: [Stores] = []
        do {
            for _ in 0..<count { opened.append(try await SQLStores.open(databaseURL: databaseURL, logger: Self.logger)) }
            let managers = opened.map { SigningKeyManager(store: $0.signingKeys, directory: keysDirectory, clock: clock) }
            let result = try await body(managers)
            for stores in opened { try await stores.shutdown() }
            return result
        } catch {
            for stores in opened { try? await stores.shutdown() }
            throw error
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "key-rotation-test")
        logger.logLevel = .error
        return logger
    }

    /// Starts `count` servers one after the other (the first creates the database and the
    /// first key), runs `body`, stops them.
    static func run(servers count: Int, keyRefreshInterval: Int = 1, _ body: @Sendable (KeyRotationCluster) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-rotation-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualProviderClock()
        let databaseURL = directory + "/shared.sqlite"
        let keysDirectory = directory + "/keys"
        try await withThrowingTaskGroup(of: Void.self) { group in
            var servers: [TestProvider] = []
            var resources: [(HTTPClient, Stores)] = []
            do {
                for _ in 0..<count {
                    let (provider, application) = try await makeServer(
                        databaseURL: databaseURL, keysDirectory: keysDirectory, clock: clock, keyRefreshInterval: keyRefreshInterval
                    )
                    resources.append((provider.http, provider.stores))
                    group.addTask { try await application.runService(gracefulShutdownSignals: []) }
                    try await provider.waitUntilUp()
                    servers.append(provider)
                }
                try await body(KeyRotationCluster(servers: servers, databaseURL: databaseURL, keysDirectory: keysDirectory, clock: clock))
            } catch {
                group.cancelAll()
                try? await group.waitForAll()
                for (http, stores) in resources {
                    try? await http.shutdown()
                    try? await stores.shutdown()
                }
                throw error
            }
            group.cancelAll()
            try? await group.waitForAll()
            for (http, stores) in resources {
                try await http.shutdown()
                try await stores.shutdown()
            }
        }
    }

    private static func makeServer(
        databaseURL: String, keysDirectory: String, clock: ManualProviderClock, keyRefreshInterval: Int
    ) async throws -> (TestProvider, some ApplicationProtocol) {
        let port = FreePort.find()
        let issuer = "http://127.0.0.1:\(port)"
        var simConfig = SimulatorConfiguration.development(callbackDomain: "127.0.0.1:\(port)")
        simConfig.autoApproveUserID = "alice"
        guard let app = simConfig.apps.first else { throw TestFailure("no simulated app") }
        let simulator = WeChatSimulator(configuration: simConfig, logger: logger)
        let base = issuer + ProviderApplication.simulatorMountPath
        let settings = ProviderSettings(
            issuer: issuer, httpHost: "127.0.0.1", httpPort: port,
            databaseURL: databaseURL, keysDirectory: keysDirectory,
            wechatEndpoints: WeChatEndpoints(openBaseURL: base, apiBaseURL: base),
            website: WeChatAppCredentials(kind: .website, appID: app.appID, secret: app.secret),
            openPlatformID: app.openPlatformID,
            maxBodySize: 16 * 1024, keyRefreshInterval: keyRefreshInterval
        )
        let stores = try await SQLStores.open(databaseURL: databaseURL, logger: logger)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let application = try await ProviderApplication.buildApplication(
                settings: settings, stores: stores, httpClient: http, extras: .init(simulator: simulator),
                clock: clock, logger: logger
            )
            let provider = TestProvider(
                issuer: issuer, settings: settings, stores: stores, simulator: simulator,
                simulatorConfiguration: simConfig, clock: clock, http: http, browser: TestBrowser(http: http)
            )
            return (provider, application)
        } catch {
            try? await http.shutdown()
            try? await stores.shutdown()
            throw error
        }
    }
}

extension TestProvider {
    /// The published keys (`kid` → JWK members).
    func jwks() async throws -> [String: [String: String]] {
        let body = try await browser.get(issuer + "/jwks").body
        let keys = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: [[String: String]]])?["keys"] ?? []
        return Dictionary(keys.compactMap { key in key["kid"].map { ($0, key) } }, uniquingKeysWith: { first, _ in first })
    }

    /// The kid the JWKS lists first: the key that signs RS256 (signing keys come first).
    func signingKidFromJWKS() async throws -> String? {
        let body = try await browser.get(issuer + "/jwks").body
        let keys = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: [[String: String]]])?["keys"] ?? []
        return keys.first?["kid"]
    }

    /// `id_token_signing_alg_values_supported` of the discovery document.
    func idTokenAlgorithms() async throws -> [String] {
        let body = try await browser.get(issuer + "/.well-known/openid-configuration").body
        let document = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return document?["id_token_signing_alg_values_supported"] as? [String] ?? []
    }

    /// A full login and code exchange; the ID token's JOSE header, verified against the JWKS.
    func signedIDTokenHeader(_ rp: RP) async throws -> [String: String] {
        let code = try await login(rp)["code"]
        guard let code else { throw TestFailure("no code") }
        let token = try await self.token(rp, code: code)
        guard let idToken = token.json["id_token"] as? String else { throw TestFailure("no id_token: \(token.json)") }
        return try await verifyIDToken(idToken).header
    }

    /// A confidential client registered with `id_token_signed_response_alg` (OIDC Registration §2).
    func registerClient(idTokenSignedResponseAlg alg: String) async throws -> RP {
        let secret = "s-\(UUID().uuidString)"
        let id = "rp-\(alg.lowercased())-\(UUID().uuidString.prefix(8))"
        let now = Date()
        try await stores.clients.create(ClientRecord(
            id: id, name: "\(alg) rp", secretHash: SecretHash.sha256(secret), redirectURIs: ["https://rp.example/cb"],
            authMethod: .clientSecretBasic, metadata: ClientMetadata(idTokenSignedResponseAlg: alg), createdAt: now, updatedAt: now
        ))
        return RP(clientID: id, secret: secret, redirectURI: "https://rp.example/cb")
    }
}

/// Polls `condition` every 100 ms for up to `seconds`; whether it became true.
func eventually(within seconds: Double = 10, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}
