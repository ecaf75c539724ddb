import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A relying party's web server for tests: serves documents the provider fetches (`jwks_uri`,
/// `request_uri`, `sector_identifier_uri`) on a free loopback port, changeable while it runs,
/// and counts the requests for each path.
final class DocumentServer: Sendable {
    private let documents = Mutex<[String: (contentType: String, body: String)]>([:])
    private let hits = Mutex<[String: Int]>([:])
    let port: Int

    private init(port: Int) { self.port = port }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
    func set(_ path: String, _ body: String, contentType: String = "application/json") {
        documents.withLock { $0[path] = (contentType, body) }
    }
    func requests(_ path: String) -> Int { hits.withLock { $0[path] ?? 0 } }

    static func run(_ http: HTTPClient, _ body: @Sendable (DocumentServer) async throws -> Void) async throws {
        let server = DocumentServer(port: FreePort.find())
        let router = Router()
        router.get("/**") { request, _ -> Response in
            let path = request.uri.path
            server.hits.withLock { $0[path, default: 0] += 1 }
            guard let document = server.documents.withLock({ $0[path] }) else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: document.contentType], body: .init(byteBuffer: ByteBuffer(string: document.body)))
        }
        var logger = Logger(label: "document-server")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: server.port)), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var up = false
            for _ in 0..<200 where !up {
                if let response = try? await http.execute(HTTPClientRequest(url: server.url("/_up")), timeout: .seconds(2)) {
                    _ = try? await response.body.collect(upTo: 1 << 16)
                    up = true
                } else {
                    try await Task.sleep(for: .milliseconds(25))
                }
            }
            guard up else { throw TestFailure("document server did not start") }
            try await body(server)
            group.cancelAll()
        }
    }
}
