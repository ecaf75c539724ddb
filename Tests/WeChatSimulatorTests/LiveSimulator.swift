import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import WeChatSimulator

/// Runs a simulator on a real socket (port 0) and hands the test a client that does not follow
/// redirects.
struct LiveSimulator {
    let simulator: WeChatSimulator
    let baseURL: String
    let client: HTTPClient

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String

        var contentType: String? { headers["content-type"] }
        var location: String? { headers["location"] }

        /// The body as a JSON object.
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8))
            guard let dictionary = object as? [String: Any] else { throw TestFailure("not a JSON object: \(body)") }
            return dictionary
        }

        func errcode() throws -> Int? { try json()["errcode"] as? Int }
    }

    static func run<T>(
        configuration: SimulatorConfiguration = .testing,
        clock: any SimulatorClock = ManualSimulatorClock(),
        mountPath: String? = nil,
        _ body: (LiveSimulator) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "simulator-test")
        logger.logLevel = .warning
        let simulator = WeChatSimulator(configuration: configuration, clock: clock, logger: logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let onServerRunning: @Sendable (any Channel) async -> Void = { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let app: Application<RouterResponder<BasicRequestContext>>
        if let mountPath {
            // Mounted on a host application's router, as the provider does.
            let router = Router(context: BasicRequestContext.self)
            simulator.addRoutes(to: router.group(RouterPath(mountPath)))
            app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: onServerRunning, logger: logger)
        } else {
            app = WeChatSimulator.makeApplication(
                simulator: simulator, host: "127.0.0.1", port: 0, logger: logger, onServerRunning: onServerRunning)
        }
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await serviceGroup.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw TestFailure("server did not start") }
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: .init(redirectConfiguration: .disallow)
            )
            let live = LiveSimulator(simulator: simulator, baseURL: "http://127.0.0.1:\(port)" + (mountPath.map { "/" + $0 } ?? ""), client: client)
            do {
                let result = try await body(live)
                try await client.shutdown()
                await serviceGroup.triggerGracefulShutdown()
                return result
            } catch {
                try? await client.shutdown()
                await serviceGroup.triggerGracefulShutdown()
                throw error
            }
        }
    }

    func get(_ pathAndQuery: String, userAgent: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + pathAndQuery)
        if let userAgent { request.headers.add(name: "User-Agent", value: userAgent) }
        return try await send(request)
    }

    func post(_ path: String, form: String, contentType: String = "application/x-www-form-urlencoded") async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(string: form))
        return try await send(request)
    }

    func delete(_ path: String) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .DELETE
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await client.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: headers, body: String(buffer: buffer))
    }

    // MARK: Flows

    /// The `qrconnect` URL in WeChat's parameter order.
    static func qrConnectPath(appID: String, redirectURI: String, state: String? = "xyz", scope: String = "snsapi_login") -> String {
        var path =
            "/connect/qrconnect?appid=\(enc(appID))&redirect_uri=\(enc(redirectURI))&response_type=code&scope=\(enc(scope))"
        if let state { path += "&state=\(enc(state))" }
        return path
    }

    /// Opens the QR page and returns its ticket.
    func openQRPage(appID: String, redirectURI: String, state: String? = "xyz") async throws -> String {
        let page = try await get(Self.qrConnectPath(appID: appID, redirectURI: redirectURI, state: state))
        guard page.status == 200, let ticket = Self.capture(#"name="ticket" value="([A-Za-z0-9]+)""#, in: page.body) else {
            throw TestFailure("no QR page: \(page.status) \(page.body)")
        }
        return ticket
    }

    /// A full browser login as `userID`; returns the callback `Location`.
    func loginLocation(appID: String, userID: String, redirectURI: String, state: String? = "xyz") async throws -> String {
        let ticket = try await openQRPage(appID: appID, redirectURI: redirectURI, state: state)
        let reply = try await post("/connect/qrconnect/confirm", form: "ticket=\(ticket)&user=\(Self.enc(userID))")
        guard reply.status == 302, let location = reply.location else { throw TestFailure("no redirect: \(reply.status) \(reply.body)") }
        return location
    }

    /// A full browser login; returns the code.
    func loginCode(appID: String = SimulatorConfiguration.appA, userID: String = "alice") async throws -> String {
        let domain = simulator.configuration.apps.first { $0.appID == appID }?.callbackDomain ?? "rp.example.com"
        let scheme = domain.hasPrefix("localhost") ? "http" : "https"
        let location = try await loginLocation(appID: appID, userID: userID, redirectURI: "\(scheme)://\(domain)/cb")
        guard let code = Self.capture("code=([A-Za-z0-9]+)", in: location) else { throw TestFailure("no code in \(location)") }
        return code
    }

    /// Exchanges a code; returns the JSON body.
    func exchange(_ code: String, appID: String = SimulatorConfiguration.appA, secret: String = SimulatorConfiguration.secretA) async throws -> Reply {
        try await get(
            "/sns/oauth2/access_token?appid=\(Self.enc(appID))&secret=\(Self.enc(secret))&code=\(Self.enc(code))&grant_type=authorization_code")
    }

    static func enc(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }

    static func capture(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension SimulatorConfiguration {
    static let appA = "wxaaaaaaaaaaaaaaaa"
    static let secretA = "secretA0123456789abcdef0123456789"
    static let appB = "wxbbbbbbbbbbbbbbbb"
    static let secretB = "s3cr+t/=&?#B"
    static let appUnbound = "wxcccccccccccccccc"
    static let appOtherPlatform = "wxdddddddddddddddd"
    static let appOfficialAccount = "wxeeeeeeeeeeeeeeee"
    static let appOfficialAccountBound = "wxffffffffffffffff"
    static let secretOfficialAccountBound = "secretF"

    /// Two apps on one Open Platform account, one unbound, one on another account, two Official
    /// Accounts (one unbound, one bound to the first account).
    static let testing = SimulatorConfiguration(
        apps: [
            SimulatedApp(appID: appA, secret: secretA, kind: .website, callbackDomain: "rp.example.com", openPlatformID: "gh_open0001"),
            SimulatedApp(appID: appB, secret: secretB, kind: .website, callbackDomain: "localhost:8080", openPlatformID: "gh_open0001"),
            SimulatedApp(appID: appUnbound, secret: "secretC", kind: .website, callbackDomain: "c.example.com"),
            SimulatedApp(appID: appOtherPlatform, secret: "secretD", kind: .website, callbackDomain: "d.example.com", openPlatformID: "gh_open0002"),
            SimulatedApp(appID: appOfficialAccount, secret: "secretE", kind: .officialAccount, callbackDomain: "rp.example.com"),
            SimulatedApp(
                appID: appOfficialAccountBound, secret: secretOfficialAccountBound, kind: .officialAccount, callbackDomain: "rp.example.com",
                openPlatformID: "gh_open0001"),
        ],
        users: [
            SimulatedUser(id: "alice", nickname: "Alice", headImageURL: "https://thirdwx.qlogo.cn/alice/132"),
            SimulatedUser(id: "bob", nickname: "小明🐼", headImageURL: ""),
            SimulatedUser(id: "mallory", nickname: #"<script>alert("x")</script>&'"#, headImageURL: #"https://x.test/a"onerror="b"#),
        ]
    )
}
