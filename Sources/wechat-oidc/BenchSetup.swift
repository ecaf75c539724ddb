import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import Server
import Storage
import WeChat
import WeChatSimulator

/// What both bench modes share: settings for a provider on loopback with the WeChat simulator
/// mounted (auto-approving the first simulated user), its stores, a registered confidential
/// client and a driver that logs in and redeems codes as an RP would.
struct BenchSetup: Sendable {
    static let redirectURI = "http://127.0.0.1:9/cb"

    let settings: ProviderSettings
    let stores: Stores
    let simulator: WeChatSimulator
    let serverClient: HTTPClient
    let client: ClientRecord
    let clientSecret: String
    let driver: LoginDriver
    let logger: Logger

    static func start(port: Int, directory: String, databaseURL: String? = nil, codeLifetime: Int, logger: Logger) async throws -> BenchSetup {
        let issuer = "http://127.0.0.1:\(port)"
        var simConfig = SimulatorConfiguration.development(callbackDomain: "127.0.0.1:\(port)")
        simConfig.autoApproveUserID = simConfig.users.first?.id
        guard let app = simConfig.apps.first else { throw CommandFailure("no simulated app") }
        let simulator = WeChatSimulator(configuration: simConfig, logger: logger)
        let base = issuer + ProviderApplication.simulatorMountPath
        var settings = ProviderSettings(
            issuer: issuer, httpHost: "127.0.0.1", httpPort: port,
            databaseURL: databaseURL ?? directory + "/bench.sqlite", keysDirectory: directory + "/keys",
            wechatEndpoints: WeChatEndpoints(openBaseURL: base, apiBaseURL: base),
            website: WeChatAppCredentials(kind: .website, appID: app.appID, secret: app.secret),
            openPlatformID: app.openPlatformID, codeLifetime: codeLifetime
        )
        // The load generator hammers one client from one address: no rate limits.
        settings.operations.rateLimitPerAddress = 0
        settings.operations.rateLimitPerClient = 0
        let stores = try await SQLStores.open(databaseURL: settings.databaseURL, logger: logger)
        let (client, secret) = try await ClientRegistry(store: stores.clients).create(name: "bench", redirectURIs: [redirectURI], isPublic: false)
        guard let secret else { throw CommandFailure("no secret") }
        return BenchSetup(
            settings: settings, stores: stores, simulator: simulator,
            serverClient: HTTPClient(eventLoopGroupProvider: .singleton), client: client, clientSecret: secret,
            driver: LoginDriver(issuer: issuer, clientID: client.id, clientSecret: secret, redirectURI: redirectURI),
            logger: logger
        )
    }

    /// The provider exactly as `dev` builds it (without the demo app).
    func application() async throws -> some ApplicationProtocol {
        try await ProviderApplication.buildApplication(
            settings: settings, stores: stores, httpClient: serverClient, extras: .init(simulator: simulator), logger: logger
        )
    }

    func shutdown() async throws {
        try await driver.shutdown()
        try await serverClient.shutdown()
        try await stores.shutdown()
    }
}
