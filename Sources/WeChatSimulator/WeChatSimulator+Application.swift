import Hummingbird
import Logging
import NIOCore

extension WeChatSimulator {
    /// A stand-alone server with the simulator mounted at the root (for `wechat-oidc simulator`).
    ///
    /// - Parameters:
    ///   - port: `0` picks a free port; read it in `onServerRunning` (`channel.localAddress?.port`).
    ///   - onServerRunning: called once the server listens.
    public static func makeApplication(
        simulator: WeChatSimulator,
        host: String = "127.0.0.1",
        port: Int = 8081,
        logger: Logger? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/") { _, _ in
            SimulatorResponse.html(SimulatorPage.index(apps: simulator.configuration.apps, users: simulator.configuration.users))
        }
        simulator.addRoutes(to: router)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "wechat-simulator"),
            onServerRunning: onServerRunning,
            logger: logger ?? simulator.logger
        )
    }
}
