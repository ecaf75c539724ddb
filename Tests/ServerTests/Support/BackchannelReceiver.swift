import Foundation
import Hummingbird
import Synchronization

/// A relying party's `backchannel_logout_uri` for tests: a real Hummingbird server on a free
/// loopback port that records every `logout_token` POSTed to it and answers with `status`.
final class BackchannelReceiver: Sendable {
    private let received = Mutex<[String]>([])
    let port: Int
    var uri: String { "http://127.0.0.1:\(port)/backchannel" }
    var tokens: [String] { received.withLock { $0 } }

    private init(port: Int) { self.port = port }

    /// Runs `body` with a receiver that answers every delivery with `status`.
    static func run(status: HTTPResponse.Status = .ok, _ body: @Sendable (BackchannelReceiver) async throws -> Void) async throws {
        let receiver = BackchannelReceiver(port: FreePort.find())
        let router = Router()
        router.post("/backchannel") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            let text = String(buffer: buffer)
            if let pair = text.split(separator: "&").first(where: { $0.hasPrefix("logout_token=") }) {
                receiver.received.withLock { $0.append(String(pair.dropFirst("logout_token=".count)).removingPercentEncoding ?? "") }
            }
            return Response(status: status)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: receiver.port)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            try await body(receiver)
            group.cancelAll()
        }
    }

    /// Waits up to `seconds` for `count` deliveries.
    func waitFor(_ count: Int, seconds: Double = 10) async throws -> [String] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let current = tokens
            if current.count >= count { return current }
            try await Task.sleep(for: .milliseconds(50))
        }
        return tokens
    }
}
