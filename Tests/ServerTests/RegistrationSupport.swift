import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
@testable import Server

/// Helpers for Dynamic Client Registration tests: JSON requests with any method, and a tiny
/// HTTP server that publishes a `sector_identifier_uri` document.
enum Registration {
    static let initialToken = "initial-access-token-0123456789-abcdefghijklmnop"

    /// Provider options with registration guarded by `token` and/or open.
    static func options(token: String? = initialToken, open: Bool = false) -> TestProvider.Options {
        var options = TestProvider.Options()
        options.adjustSettings = { settings in
            settings.registrationInitialAccessToken = token
            settings.registrationOpen = open
        }
        return options
    }

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: String

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
        var error: String? { json["error"] as? String }
        var errorDescription: String? { json["error_description"] as? String }
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    /// One request with a raw body (JSON unless `contentType` says otherwise).
    static func send(
        _ p: TestProvider, _ method: HTTPMethod, _ path: String, body: String? = nil, bearer: String? = nil,
        authorization: String? = nil, contentType: String = "application/json"
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : p.issuer + path)
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await p.http.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: collected))
    }

    /// `POST /register` with the initial access token.
    static func register(_ p: TestProvider, _ body: String, bearer: String? = initialToken) async throws -> Reply {
        try await send(p, .POST, "/register", body: body, bearer: bearer)
    }

    /// Registers and returns the reply's JSON, requiring a 201.
    static func registered(_ p: TestProvider, _ body: String) async throws -> [String: Any] {
        let reply = try await register(p, body)
        guard reply.status == 201 else { throw TestFailure("registration answered \(reply.status): \(reply.body)") }
        return reply.json
    }

    /// The relying party of a registration reply.
    static func rp(_ json: [String: Any]) throws -> TestProvider.RP {
        guard let id = json["client_id"] as? String, let uris = json["redirect_uris"] as? [String], let first = uris.first else {
            throw TestFailure("not a registration reply: \(json)")
        }
        return TestProvider.RP(clientID: id, secret: json["client_secret"] as? String, redirectURI: first)
    }

    /// Serves `document` at `http://127.0.0.1:PORT/sector.json` while `body` runs.
    static func withDocumentServer<T: Sendable>(
        _ p: TestProvider, _ document: String, status: HTTPResponse.Status = .ok, _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let port = FreePort.find()
        let router = Router()
        router.get("/sector.json") { _, _ in
            Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: document)))
        }
        var logger = Logger(label: "sector-server")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        let url = "http://127.0.0.1:\(port)/sector.json"
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var up = false
            for _ in 0..<200 where !up {
                if let response = try? await p.http.execute(HTTPClientRequest(url: url), timeout: .seconds(2)) {
                    _ = try? await response.body.collect(upTo: 1 << 16)
                    up = true
                } else {
                    try await Task.sleep(for: .milliseconds(25))
                }
            }
            guard up else { throw TestFailure("document server did not start") }
            let result = try await body(url)
            group.cancelAll()
            return result
        }
    }
}
