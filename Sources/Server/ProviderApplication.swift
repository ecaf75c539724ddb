import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OIDC
import ServiceLifecycle
import Storage
import WeChat
import WeChatSimulator

/// Builds the provider: `buildEnvironment` wires the parts, `buildRouter` mounts the
/// endpoints, `buildApplication` adds the server and background services. Tests build the same
/// application on port 0.
public enum ProviderApplication {
    /// Optional extras mounted on the same server (used by `dev`).
    public struct Extras: Sendable {
        /// Mounts the WeChat simulator under `/wechat`.
        public var simulator: WeChatSimulator?
        /// Mounts the demo relying party under `/demo`.
        public var demo: DemoClientConfiguration?

        public init(simulator: WeChatSimulator? = nil, demo: DemoClientConfiguration? = nil) {
            self.simulator = simulator
            self.demo = demo
        }
    }

    public static let simulatorMountPath = "/wechat"

    /// Opens nothing itself: takes the stores and the HTTP client from the caller, who shuts
    /// them down.
    public static func buildApplication(
        settings: ProviderSettings,
        stores: Stores,
        httpClient: HTTPClient,
        extras: Extras = Extras(),
        clock: any ProviderClock = SystemProviderClock(),
        random: any RandomSource = SystemRandomSource(),
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let keyManager = SigningKeyManager(store: stores.signingKeys, directory: settings.keysDirectory, clock: clock)
        try await keyManager.ensureActiveKey(logger: logger)
        let keys = KeySetHolder(try await keyManager.loadKeySet(), version: try await stores.signingKeys.version())

        let metadata = ProviderMetadata.forIssuer(settings.issuer)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let wechat = WeChatClient(httpClient: httpClient, endpoints: settings.wechatEndpoints, logger: logger)
        let env = ProviderEnvironment(
            settings: settings, stores: stores, keys: keys,
            door: WebsiteQRDoor(client: wechat, app: settings.website, openPlatformID: settings.openPlatformID),
            clock: clock, random: random, pages: try PageRenderer(),
            validator: AuthorizationValidator(supportedScopes: Set(Scope.supported)),
            logger: logger, discoveryJSON: Array(try encoder.encode(metadata)), metadata: metadata
        )
        let router = buildRouter(env: env, extras: extras, httpClient: httpClient)
        var app = Application(
            router: router,
            // Idle connections (slow or abandoned clients) are closed after 60 s.
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: ApplicationConfiguration(address: .hostname(settings.httpHost, port: settings.httpPort), serverName: "wechat-oidc"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.httpPort) },
            logger: logger
        )
        app.addServices(
            KeyRefreshService(holder: keys, manager: keyManager, interval: .seconds(settings.keyRefreshInterval), logger: logger),
            PurgeService(stores: stores, clock: clock, interval: .seconds(60), logger: logger)
        )
        return app
    }

    static func buildRouter(env: ProviderEnvironment, extras: Extras, httpClient: HTTPClient) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.get("/health") { _, _ in "ok" }
        DiscoveryController(env: env).addRoutes(to: router)
        AuthorizeController(env: env).addRoutes(to: router)
        CallbackController(env: env).addRoutes(to: router)
        TokenController(env: env).addRoutes(to: router)
        UserInfoController(env: env).addRoutes(to: router)
        if let simulator = extras.simulator {
            simulator.addRoutes(to: router.group(RouterPath(simulatorMountPath)))
        }
        if let demo = extras.demo {
            DemoController(config: demo, issuer: env.issuer, httpClient: httpClient, pages: env.pages, random: env.random, logger: env.logger)
                .addRoutes(to: router)
        }
        return router
    }
}
