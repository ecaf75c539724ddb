import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import WeChat
import WeChatSimulator

/// A simulator on a real socket, and a `WeChatClient` pointed at it.
struct SimulatorHarness {
    let simulator: WeChatSimulator
    let clock: ManualSimulatorClock
    let baseURL: String
    let httpClient: HTTPClient

    static let app = WeChatAppCredentials(kind: .website, appID: "wxaaaaaaaaaaaaaaaa", secret: "s3cr+t/=&?#% 中")
    static let unboundApp = WeChatAppCredentials(kind: .website, appID: "wxcccccccccccccccc", secret: "secretC")
    static let officialAccount = WeChatAppCredentials(kind: .officialAccount, appID: "wxeeeeeeeeeeeeeeee", secret: "secretE")

    static let configuration = SimulatorConfiguration(
        apps: [
            SimulatedApp(appID: app.appID, secret: app.secret, callbackDomain: "rp.example.com", openPlatformID: "gh_open0001"),
            SimulatedApp(appID: unboundApp.appID, secret: unboundApp.secret, callbackDomain: "rp.example.com"),
            SimulatedApp(
                appID: officialAccount.appID, secret: officialAccount.secret, kind: .officialAccount, callbackDomain: "rp.example.com",
                openPlatformID: "gh_open0001"),
        ],
        users: [
            SimulatedUser(id: "alice", nickname: "小明🐼", headImageURL: "https://thirdwx.qlogo.cn/alice/0"),
            SimulatedUser(id: "bob", nickname: "Bob"),
        ],
        autoApproveUserID: "alice"
    )

    func client(
        retryPolicy: WeChatRetryPolicy = WeChatRetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5)),
        requestTimeout: Duration = .seconds(5)
    ) -> WeChatClient {
        var logger = Logger(label: "wechat-client-test")
        logger.logLevel = .critical
        return WeChatClient(
            httpClient: httpClient, endpoints: .simulator(baseURL: baseURL), retryPolicy: retryPolicy,
            requestTimeout: requestTimeout, logger: logger)
    }

    /// A code for `userID` through the auto-approving qrconnect door, using the client's own URL.
    func code(for app: WeChatAppCredentials = SimulatorHarness.app, userID: String = "alice") async throws -> String {
        try simulator.setAutoApprove(userID: userID)
        let url = client().qrConnectURL(app: app, redirectURI: "https://rp.example.com/cb", state: "st")
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await httpClient.execute(request, timeout: .seconds(5))
        guard response.status == .found, let location = response.headers.first(name: "location"),
            let components = URLComponents(string: location),
            let code = components.queryItems?.first(where: { $0.name == "code" })?.value
        else { throw HarnessError("no code redirect: \(response.status)") }
        return code
    }

    static func run<T>(_ body: (SimulatorHarness) async throws -> T) async throws -> T {
        var logger = Logger(label: "simulator")
        logger.logLevel = .critical
        let clock = ManualSimulatorClock()
        let simulator = WeChatSimulator(configuration: configuration, clock: clock, logger: logger)
        let makeApp = { (onRunning: @escaping @Sendable (any Channel) async -> Void) in
            WeChatSimulator.makeApplication(simulator: simulator, host: "127.0.0.1", port: 0, logger: logger, onServerRunning: onRunning)
        }
        return try await withServer(makeApp, logger: logger) { port, httpClient in
            try await body(
                SimulatorHarness(simulator: simulator, clock: clock, baseURL: "http://127.0.0.1:\(port)", httpClient: httpClient))
        }
    }

    /// Runs any router on port 0 with a client that does not follow redirects.
    static func withServer<T>(
        _ makeApp: (@escaping @Sendable (any Channel) async -> Void) -> Application<RouterResponder<BasicRequestContext>>,
        logger: Logger,
        _ body: (Int, HTTPClient) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = makeApp { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        return try await withServer(app, ports: ports, continuation: continuation, logger: logger, body)
    }

    private static func withServer<T>(
        _ app: Application<RouterResponder<BasicRequestContext>>,
        ports: AsyncStream<Int>,
        continuation: AsyncStream<Int>.Continuation,
        logger: Logger,
        _ body: (Int, HTTPClient) async throws -> T
    ) async throws -> T {
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await serviceGroup.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw HarnessError("server did not start") }
            let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            do {
                let result = try await body(port, httpClient)
                try await httpClient.shutdown()
                await serviceGroup.triggerGracefulShutdown()
                return result
            } catch {
                try? await httpClient.shutdown()
                await serviceGroup.triggerGracefulShutdown()
                throw error
            }
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
