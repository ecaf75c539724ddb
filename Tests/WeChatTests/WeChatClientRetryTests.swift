import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Testing
import WeChatSimulator

@testable import WeChat

@Suite("WeChatClient retries, timeouts and bad bodies")
struct WeChatClientRetryTests {
    typealias Harness = SimulatorHarness

    @Test("-1 twice, then success on the third attempt")
    func retryThenSuccess() async throws {
        try await Harness.run { harness in
            let code = try await harness.code()
            harness.simulator.addFault(SimulatorFault(endpoint: .accessToken, kind: .errcode(-1), count: 2))
            let token = try await harness.client().exchangeCode(code, app: Harness.app)
            #expect(token.openID == harness.simulator.openID(userID: "alice", appID: Harness.app.appID))
            #expect(harness.simulator.faults == [])
        }
    }

    @Test("-1 on every attempt: systemBusy after exactly maxAttempts")
    func retryExhaustion() async throws {
        try await Harness.run { harness in
            harness.simulator.addFault(SimulatorFault(endpoint: .userInfo, kind: .errcode(-1), count: 5))
            let error = await #expect(throws: WeChatError.self) {
                _ = try await harness.client().userInfo(accessToken: "t", openID: "o")
            }
            #expect(error?.category == .systemBusy)
            #expect(error?.errcode == -1)
            #expect(error?.isRetryable == true)
            #expect(harness.simulator.faults.first?.count == 2)
        }
    }

    @Test("a reply slower than the timeout is a transport error, retried, and the call stays bounded")
    func timeout() async throws {
        try await Harness.run { harness in
            harness.simulator.addFault(SimulatorFault(endpoint: .auth, kind: .delay(milliseconds: 4000), count: 10))
            let client = harness.client(
                retryPolicy: WeChatRetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10)), requestTimeout: .milliseconds(200))
            let start = ContinuousClock.now
            let error = await #expect(throws: WeChatError.self) {
                try await client.checkAccessToken("t", openID: "o")
            }
            let elapsed = ContinuousClock.now - start
            #expect(error?.category == .transport)
            #expect(error?.errcode == nil)
            #expect(elapsed >= .milliseconds(400))
            // Far below one 4 s reply: the timeout, not the reply, ended each attempt.
            #expect(elapsed < .milliseconds(3000))
            // Two attempts reached the simulator (8 of 10 faults left); on a loaded machine the
            // first attempt can time out before its request is even written (9 left).
            let left = harness.simulator.faults.first?.count ?? 0
            #expect((8...9).contains(left))
            harness.simulator.clearFaults()
        }
    }

    @Test("malformed and empty bodies are malformedResponse, not retried", arguments: [
        SimulatorFault.Kind.malformedBody, .emptyBody,
    ])
    func badBodies(kind: SimulatorFault.Kind) async throws {
        try await Harness.run { harness in
            harness.simulator.addFault(SimulatorFault(endpoint: .refreshToken, kind: kind, count: 2))
            let error = await #expect(throws: WeChatError.self) {
                _ = try await harness.client().refreshToken("r", app: Harness.app)
            }
            #expect(error?.category == .malformedResponse)
            #expect(error?.errcode == nil)
            #expect(harness.simulator.faults.first?.count == 1)
        }
    }

    @Test("connection refused is a transport error after maxAttempts")
    func connectionRefused() async throws {
        // Bind a port, then close it, so nothing listens there.
        let port = try await Self.closedPort()
        let client = WeChatClient(
            httpClient: HTTPClient.shared,
            endpoints: .simulator(baseURL: "http://127.0.0.1:\(port)"),
            retryPolicy: WeChatRetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)),
            requestTimeout: .seconds(2),
            logger: Logger(label: "t"))
        let error = await #expect(throws: WeChatError.self) {
            try await client.checkAccessToken("t", openID: "o")
        }
        #expect(error?.category == .transport)
    }

    @Test("bodies over 64 KiB, success bodies without fields, and non-object JSON are malformed")
    func oversizedAndShapeless() async throws {
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        let makeApp = { (onRunning: @escaping @Sendable (any Channel) async -> Void) in
            let router = Router(context: BasicRequestContext.self)
            router.get("big/sns/auth") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain"],
                         body: .init(byteBuffer: ByteBuffer(string: #"{"errcode":0,"errmsg":""# + String(repeating: "x", count: 70_000) + #""}"#)))
            }
            router.get("fieldless/sns/userinfo") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: #"{"nickname":"x"}"#)))
            }
            router.get("array/sns/auth") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "[1]")))
            }
            router.get("html-ok/sns/auth") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: #"{"errcode":0,"errmsg":"ok"}"#)))
            }
            router.get("gateway/sns/auth") { _, _ in Response(status: .badGateway) }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning, logger: logger)
        }
        try await Harness.withServer(makeApp, logger: logger) { port, httpClient in
            func client(_ prefix: String) -> WeChatClient {
                WeChatClient(
                    httpClient: httpClient, endpoints: .simulator(baseURL: "http://127.0.0.1:\(port)/\(prefix)"),
                    retryPolicy: WeChatRetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)), logger: logger)
            }
            var error = await #expect(throws: WeChatError.self) { try await client("big").checkAccessToken("t", openID: "o") }
            #expect(error?.category == .malformedResponse)
            error = await #expect(throws: WeChatError.self) { _ = try await client("fieldless").userInfo(accessToken: "t", openID: "o") }
            #expect(error?.category == .malformedResponse)
            error = await #expect(throws: WeChatError.self) { try await client("array").checkAccessToken("t", openID: "o") }
            #expect(error?.category == .malformedResponse)
            // JSON is JSON whatever the Content-Type.
            try await client("html-ok").checkAccessToken("t", openID: "o")
            error = await #expect(throws: WeChatError.self) { try await client("gateway").checkAccessToken("t", openID: "o") }
            #expect(error?.category == .transport)
        }
    }

    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 1
        try await channel.close().get()
        return port
    }
}
