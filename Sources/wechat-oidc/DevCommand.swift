import ArgumentParser
import Foundation
import Logging
import OIDC
import Server
import Storage
import WeChat
import WeChatSimulator

/// `wechat-oidc dev`: the provider, the WeChat simulator and a demo app on one port, on
/// embedded SQLite. Nothing to configure.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run the provider with the WeChat simulator and a demo app (no WeChat account needed)."
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(name: .customLong("data-dir"), help: "Where the SQLite database lives.") var dataDirectory = "data"
    @Option(name: .customLong("keys-dir"), help: "Where signing keys are generated.") var keysDirectory = "keys"
    @Option(name: .customLong("auto-approve"), help: "Approve every WeChat login at once as this simulated user (e.g. for scripts).")
    var autoApprove: String?
    @Option(
        name: .customLong("login-page"),
        help: "redirect: send the browser straight to WeChat's QR page; embedded: our login page with the QR in an iframe; follow: the Official Account's follow QR."
    )
    var loginPage = "redirect"

    static let demoClientID = "demo"
    /// The Official Account's push-URL token in dev (`official_account.token`).
    static let devServerToken = "wechatoidcdev"

    func run() async throws {
        let logger = commandLogger("wechat-oidc", default: .info)
        let issuer = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        let callbackDomain = "\(host):\(port)"
        var simulatorConfiguration = SimulatorConfiguration.development(callbackDomain: callbackDomain)
        if let autoApprove {
            guard simulatorConfiguration.users.contains(where: { $0.id == autoApprove }) else {
                throw ValidationError("--auto-approve: no simulated user \(autoApprove); known: \(simulatorConfiguration.users.map(\.id).joined(separator: ", "))")
            }
            simulatorConfiguration.autoApproveUserID = autoApprove
        }
        // The Official Account's 服务器配置 in the simulator: a scan is pushed to our own server URL.
        if let index = simulatorConfiguration.apps.firstIndex(where: { $0.kind == .officialAccount }) {
            simulatorConfiguration.apps[index].serverURL = issuer + "/callback/wechat/events"
            simulatorConfiguration.apps[index].serverToken = Self.devServerToken
        }
        let userIDs = simulatorConfiguration.users.map(\.id).joined(separator: ", ")
        guard let app = simulatorConfiguration.app(kind: .website) else { throw ValidationError("the simulator has no website app") }
        let simulator = WeChatSimulator(configuration: simulatorConfiguration, logger: logger)
        let wechatBase = issuer + ProviderApplication.simulatorMountPath
        var configured = ProviderSettings(
            issuer: issuer, httpHost: host, httpPort: port,
            databaseURL: (dataDirectory as NSString).appendingPathComponent("wechat-oidc.sqlite"),
            keysDirectory: keysDirectory,
            wechatEndpoints: WeChatEndpoints(openBaseURL: wechatBase, apiBaseURL: wechatBase),
            website: WeChatAppCredentials(kind: .website, appID: app.appID, secret: app.secret),
            openPlatformID: app.openPlatformID
        )
        // One developer and scripted logins from one address: no rate limits in dev.
        configured.operations.rateLimitPerAddress = 0
        configured.operations.rateLimitPerClient = 0
        guard let loginPageMode = LoginPageMode(rawValue: loginPage) else {
            throw ValidationError("--login-page must be redirect, embedded or follow, got \(loginPage)")
        }
        configured.loginPage = loginPageMode
        // Every door, against the simulator's app of that kind (all bound to one Open Platform account).
        configured.officialAccount = simulatorConfiguration.app(kind: .officialAccount).map {
            // The push URL's token is fixed in dev (README: driving the follow door by hand).
            OfficialAccountCredentials(
                app: WeChatAppCredentials(kind: .officialAccount, appID: $0.appID, secret: $0.secret), serverToken: Self.devServerToken
            )
        }
        configured.mobile = simulatorConfiguration.app(kind: .mobile).map { WeChatAppCredentials(kind: .mobile, appID: $0.appID, secret: $0.secret) }
        configured.miniProgram = simulatorConfiguration.app(kind: .miniProgram).map {
            WeChatAppCredentials(kind: .miniProgram, appID: $0.appID, secret: $0.secret)
        }
        let settings = configured
        let doorList = simulatorConfiguration.apps.map { "\($0.kind.rawValue) \($0.appID)" }.joined(separator: ", ")
        let demoSecret = SystemRandomSource().token()
        let demo = DemoClientConfiguration(clientID: Self.demoClientID, clientSecret: demoSecret)
        try await ProviderRunner.run(
            settings: settings,
            extras: .init(simulator: simulator, demo: demo),
            logger: logger,
            prepare: { stores in
                try await ClientRegistry(store: stores.clients).upsert(
                    id: Self.demoClientID, name: "wechat-oidc demo app",
                    redirectURIs: [issuer + DemoClientConfiguration.callbackPath], secret: demoSecret
                )
            },
            onRunning: { _ in
                printFlushed("""

                wechat-oidc dev is running.
                  Open the demo app:  \(issuer)/demo
                  Discovery:          \(issuer)/.well-known/openid-configuration
                  WeChat simulator:   \(wechatBase) (\(doorList); test users: \(userIDs))
                  Registered client:  client_id=\(Self.demoClientID) (redirect URI \(issuer + DemoClientConfiguration.callbackPath); its secret is new at each start)
                  Database:           \(settings.databaseURL), signing keys in \(keysDirectory)/
                Register your own app: WECHAT_OIDC_DATABASE_URL=\(settings.databaseURL) swift run wechat-oidc clients create --name NAME --redirect-uri URI
                (CLI commands on this server's data need WECHAT_OIDC_DATABASE_URL=\(settings.databaseURL) WECHAT_OIDC_KEYS_DIR=\(keysDirectory).)
                Stop with Ctrl-C.

                """)
            }
        )
    }
}
