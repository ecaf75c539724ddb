import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOSSL
import OIDC
@testable import Server
import Storage
import WeChat
import WeChatSimulator

/// The real provider on a real port, with the WeChat simulator mounted under `/wechat` and
/// reached over real sockets, on a fresh SQLite file.
struct TestProvider: Sendable {
    let issuer: String
    let settings: ProviderSettings
    let stores: Stores
    let simulator: WeChatSimulator
    let simulatorConfiguration: SimulatorConfiguration
    let clock: ManualProviderClock
    let http: HTTPClient
    let browser: TestBrowser

    var simulatorBase: String { issuer + ProviderApplication.simulatorMountPath }
    var registry: ClientRegistry { ClientRegistry(store: stores.clients) }

    struct Options: Sendable {
        var autoApproveUser: String? = "alice"
        var websiteSecretOverride: String?
        var openPlatformID: String?? = .none
        var keyRefreshInterval = 10
        /// Serve HTTPS with this PEM certificate and key (the test client trusts any certificate).
        var tls: (certificate: String, key: String)?
        /// Which doors are configured (each against the simulator's app of that kind).
        var doors: Set<SimulatedApp.Kind> = Set(SimulatedApp.Kind.allCases)
        /// The simulator delivers follow/scan pushes to `/callback/wechat/events` itself (with the
        /// Official Account's server token from the settings).
        var simulatorDeliversPushes = false
        /// Adjusts the settings before the server starts (e.g. enabling registration).
        var adjustSettings: @Sendable (inout ProviderSettings) -> Void = { _ in }
    }

    static func run(_ options: Options = Options(), _ body: @Sendable (TestProvider) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let port = FreePort.find()
        let issuer = "\(options.tls == nil ? "http" : "https")://127.0.0.1:\(port)"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var simConfig = SimulatorConfiguration.development(callbackDomain: "127.0.0.1:\(port)")
        simConfig.autoApproveUserID = options.autoApproveUser
        let app = try requireApp(simConfig)
        let base = issuer + ProviderApplication.simulatorMountPath
        let openPlatformID: String? = switch options.openPlatformID {
        case .none: app.openPlatformID
        case .some(let value): value
        }
        var settings = ProviderSettings(
            issuer: issuer, httpHost: "127.0.0.1", httpPort: port,
            databaseURL: directory + "/test.sqlite", keysDirectory: directory + "/keys",
            wechatEndpoints: WeChatEndpoints(openBaseURL: base, apiBaseURL: base),
            website: options.doors.contains(.website)
                ? WeChatAppCredentials(kind: .website, appID: app.appID, secret: options.websiteSecretOverride ?? app.secret) : nil,
            openPlatformID: openPlatformID,
            maxBodySize: 16 * 1024, keyRefreshInterval: options.keyRefreshInterval
        )
        if let tls = options.tls {
            settings.operations.tlsCertificatePath = tls.certificate
            settings.operations.tlsKeyPath = tls.key
            settings.operations.tlsReloadInterval = 1
        }
        func credentials(_ kind: SimulatedApp.Kind, _ wechatKind: WeChatAppCredentials.Kind) -> WeChatAppCredentials? {
            guard options.doors.contains(kind), let app = simConfig.app(kind: kind) else { return nil }
            return WeChatAppCredentials(kind: wechatKind, appID: app.appID, secret: app.secret)
        }
        settings.officialAccount = credentials(.officialAccount, .officialAccount).map { OfficialAccountCredentials(app: $0) }
        settings.mobile = credentials(.mobile, .mobile)
        settings.miniProgram = credentials(.miniProgram, .miniProgram)
        options.adjustSettings(&settings)
        if options.simulatorDeliversPushes, let index = simConfig.apps.firstIndex(where: { $0.kind == .officialAccount }) {
            simConfig.apps[index].serverURL = issuer + "/callback/wechat/events"
            simConfig.apps[index].serverToken = settings.officialAccount?.serverToken
        }
        let simulator = WeChatSimulator(configuration: simConfig, logger: logger)
        let stores = try await SQLStores.open(databaseURL: settings.databaseURL, logger: logger)
        var httpConfiguration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        if options.tls != nil {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            httpConfiguration.tlsConfiguration = tls
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let clock = ManualProviderClock()
        let application = try await ProviderApplication.buildApplication(
            settings: settings, stores: stores, httpClient: http, extras: .init(simulator: simulator),
            clock: clock, logger: logger
        )
        let provider = TestProvider(
            issuer: issuer, settings: settings, stores: stores, simulator: simulator,
            simulatorConfiguration: simConfig, clock: clock, http: http, browser: TestBrowser(http: http)
        )
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await application.runService(gracefulShutdownSignals: []) }
                try await provider.waitUntilUp()
                try await body(provider)
                group.cancelAll()
            }
        } catch {
            try? await http.shutdown()
            try? await stores.shutdown()
            throw error
        }
        try await http.shutdown()
        try await stores.shutdown()
    }

    private static func requireApp(_ configuration: SimulatorConfiguration) throws -> SimulatedApp {
        guard let app = configuration.apps.first else { throw TestFailure("no simulated app") }
        return app
    }

    func waitUntilUp() async throws {
        for _ in 0..<200 {
            if let page = try? await browser.get(issuer + "/health"), page.status == 200 { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("server did not start")
    }

    // MARK: - Relying-party helpers

    struct RP: Sendable {
        let clientID: String
        let secret: String?
        let redirectURI: String
    }

    func registerClient(isPublic: Bool = false, redirectURIs: [String]? = nil) async throws -> RP {
        let uris = redirectURIs ?? ["https://rp.example/cb"]
        let (client, secret) = try await registry.create(name: "test rp", redirectURIs: uris, isPublic: isPublic)
        return RP(clientID: client.id, secret: secret, redirectURI: uris[0])
    }

    func authorizeURL(_ rp: RP, _ parameters: [(String, String)] = [], state: String? = "st-123", nonce: String? = "n-456", scope: String = "openid profile wechat") -> String {
        var pairs = [("response_type", "code"), ("client_id", rp.clientID), ("redirect_uri", rp.redirectURI), ("scope", scope)]
        if let state { pairs.append(("state", state)) }
        if let nonce { pairs.append(("nonce", nonce)) }
        return AuthorizationResponse.append(pairs + parameters, to: issuer + "/authorize")
    }

    /// A full login through the simulator; returns the RP redirect's query.
    func login(_ rp: RP, _ parameters: [(String, String)] = [], state: String? = "st-123", nonce: String? = "n-456", scope: String = "openid profile wechat") async throws -> [String: String] {
        queryItems(try await browser.follow(authorizeURL(rp, parameters, state: state, nonce: nonce, scope: scope), stopAt: rp.redirectURI).get())
    }

    /// Follows the login only up to WeChat's qrconnect URL; returns it.
    func startLogin(_ rp: RP, _ parameters: [(String, String)] = []) async throws -> String {
        let page = try await browser.get(authorizeURL(rp, parameters))
        guard page.status == 303, let location = page.header("Location") else {
            throw TestFailure("authorize answered \(page.status): \(page.body.prefix(300))")
        }
        return location
    }

    func token(_ rp: RP, code: String, extra: [(String, String)] = [], basic: Bool = true) async throws -> (status: Int, json: [String: Any], headers: TestBrowser.Page) {
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", rp.redirectURI)] + extra
        var headers: [(String, String)] = []
        if let secret = rp.secret, basic {
            headers.append(("Authorization", "Basic " + Data("\(FormEncoding.encode(rp.clientID)):\(FormEncoding.encode(secret))".utf8).base64EncodedString()))
        } else {
            form.append(("client_id", rp.clientID))
            if let secret = rp.secret { form.append(("client_secret", secret)) }
        }
        let page = try await browser.get(issuer + "/token", method: .POST, form: form, headers: headers)
        let json = (try? JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]) ?? [:]
        return (page.status, json, page)
    }

    func userinfo(_ accessToken: String) async throws -> (status: Int, json: [String: Any], page: TestBrowser.Page) {
        let page = try await browser.get(issuer + "/userinfo", headers: [("Authorization", "Bearer \(accessToken)")])
        let json = (try? JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]) ?? [:]
        return (page.status, json, page)
    }
}
