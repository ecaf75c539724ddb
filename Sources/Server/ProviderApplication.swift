import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
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
        // The version first: a key change made while loading shows up as a newer version.
        let keyVersion = try await stores.signingKeys.version()
        let keys = KeySetHolder(try await keyManager.loadKeys(), version: keyVersion)

        var metadata = ProviderMetadata.forIssuer(
            settings.issuer, registrationEnabled: settings.registrationEnabled, parRequired: settings.parRequired,
            requestObjects: (settings.requestObjectByValue, settings.requestObjectByReference)
        )
        // RFC 8414 grant_types_supported: token exchange only when a door takes SDK codes.
        if settings.mobile != nil || settings.miniProgram != nil {
            metadata.grantTypesSupported.append(TokenExchange.grantType)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let metrics = ProviderMetrics()
        let wechat = WeChatClient(
            httpClient: httpClient, endpoints: settings.wechatEndpoints, logger: logger,
            observer: { api, errcode in metrics.recordWeChatCall(api: api, errcode: errcode) }
        )
        // client_secret_jwt secrets are sealed with a key of the keys directory (created on
        // first start, mode 0600), so HMAC assertions can be checked (RFC 7523 §2.2).
        let sealer = try ServerSecretFile.sealer(keysDirectory: settings.keysDirectory)
        // The salt of pairwise subjects (OIDC Core §8.1), likewise a 0600 file made once.
        let pairwiseSalt = try ServerSecretFile.loadOrCreate(directory: settings.keysDirectory, name: ServerSecretFile.pairwiseSaltName)
        let documents = ClientDocumentFetcher(httpClient: httpClient)
        let env = ProviderEnvironment(
            settings: settings, stores: stores, keys: keys,
            doors: WeChatDoors(settings: settings, client: wechat),
            clock: clock, random: random, pages: try PageRenderer(),
            validator: AuthorizationValidator(supportedScopes: Set(Scope.supported)),
            logger: logger, httpClient: httpClient, discoveryJSON: Array(try encoder.encode(metadata)), metadata: metadata,
            sealer: sealer, clientKeys: ClientJWKSCache(fetch: { try await documents.fetch($0) }),
            subjects: SubjectIdentifiers(salt: pairwiseSalt),
            metrics: metrics, rateLimits: RateLimits(settings: settings.operations)
        )
        let router = buildRouter(env: env, extras: extras, httpClient: httpClient)
        // Idle connections (slow or abandoned clients) are closed after 60 s.
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(60)))
        let tls = try tlsReloader(settings.operations)
        var app = Application(
            router: router,
            server: try tls.map { try HTTPServerBuilder.tls(http1, tlsConfiguration: $0.serverConfiguration()) } ?? http1,
            configuration: ApplicationConfiguration(address: .hostname(settings.httpHost, port: settings.httpPort), serverName: "wechat-oidc"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.httpPort) },
            logger: logger
        )
        app.addServices(
            // Running servers promote pre-published keys when due and pick up `keys rotate` /
            // `activate` / `retire` without a restart.
            PeriodicService(name: "signing key refresh", interval: .seconds(settings.keyRefreshInterval), logger: logger) {
                try await keys.refresh(manager: keyManager, logger: logger)
            },
            // Expired codes, tokens, pending logins and sessions leave the database.
            PeriodicService(name: "purge of expired rows", interval: .seconds(60), logger: logger) {
                let removed = try await stores.purgeExpired(clock.now())
                if removed > 0 { logger.debug("purged expired rows", metadata: ["count": "\(removed)"]) }
            }
        )
        if let tls {
            // A renewed certificate is served without a restart.
            app.addServices(PeriodicService(name: "TLS certificate reload", interval: .seconds(settings.operations.tlsReloadInterval), logger: logger) {
                _ = try await BlockingWork.run { tls.reloadIfChanged(logger: logger) }
            })
        }
        return app
    }

    /// The built-in TLS certificate, when `tls.certificate` and `tls.key` are set; a pair that
    /// cannot be loaded stops start-up naming the setting.
    static func tlsReloader(_ settings: OperationsSettings) throws -> TLSCertificateReloader? {
        guard let certificate = settings.tlsCertificatePath, let key = settings.tlsKeyPath else { return nil }
        do {
            return try TLSCertificateReloader(certificatePath: certificate, keyPath: key)
        } catch let error as TLSCertificateReloader.LoadError {
            if case .unreadable(let path, _) = error, path == key {
                throw SettingsError(key: SettingsKey.Operations.tlsKey, message: error.description)
            }
            throw SettingsError(key: SettingsKey.Operations.tlsCertificate, message: error.description)
        }
    }

    static func buildRouter(env: ProviderEnvironment, extras: Extras, httpClient: HTTPClient) -> Router<ProviderRequestContext> {
        let router = Router(context: ProviderRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: env.metrics))
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: RateLimitMiddleware(limits: env.rateLimits, pages: env.pages))
        OperationsController(env: env).addRoutes(to: router)
        AuthorizeController(env: env).addRoutes(to: router)
        CallbackController(env: env).addRoutes(to: router)
        LogoutController(env: env).addRoutes(to: router)
        // Endpoints a browser-based (public) client calls from its own origin. No cookies are
        // involved there, so any origin may read them (CORS without credentials).
        let api = router.group().add(middleware: CORSMiddleware(
            allowOrigin: .all, allowHeaders: [.authorization, .contentType], allowMethods: [.get, .post, .options], maxAge: .seconds(3600)
        ))
        // Preflight requests must match a route for the group's CORS middleware to answer them.
        for path in [ProviderMetadata.Path.discovery, ProviderMetadata.Path.jwks, ProviderMetadata.Path.token, ProviderMetadata.Path.userinfo,
                     ProviderMetadata.Path.revocation, ProviderMetadata.Path.introspection,
                     ProviderMetadata.Path.pushedAuthorizationRequest] {
            api.on(RouterPath(path), method: .options) { _, _ in Response(status: .noContent) }
        }
        DiscoveryController(env: env).addRoutes(to: api)
        TokenController(env: env).addRoutes(to: api)
        UserInfoController(env: env).addRoutes(to: api)
        RevocationController(env: env).addRoutes(to: api)
        IntrospectionController(env: env).addRoutes(to: api)
        PushedAuthorizationController(env: env).addRoutes(to: api)
        if let account = env.settings.officialAccount, let token = account.serverToken {
            EventPushController(env: env, account: account, token: token).addRoutes(to: router)
        }
        if let follow = env.doors.followQR {
            FollowLoginController(env: env, door: follow).addRoutes(to: router)
        }
        if env.settings.registrationEnabled {
            RegistrationController(env: env, fetcher: ClientDocumentFetcher(httpClient: httpClient)).addRoutes(to: router)
        }
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
