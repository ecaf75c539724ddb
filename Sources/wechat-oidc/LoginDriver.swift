import AsyncHTTPClient
import Foundation
import NIOCore
import OIDC

/// Drives logins as a browser and an RP would, over real sockets, for `bench`.
struct LoginDriver: Sendable {
    let issuer: String
    let clientID: String
    let clientSecret: String
    let redirectURI: String
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The PKCE verifier of every bench login (RFC 7636 §4.1: 43 to 128 unreserved characters).
    static let verifier = "bench-verifier-0123456789-0123456789-0123456789"

    /// client_secret_basic (RFC 6749 §2.3.1).
    var authorizationHeader: String {
        "Basic " + Data("\(FormEncoding.encode(clientID)):\(FormEncoding.encode(clientSecret))".utf8).base64EncodedString()
    }

    /// The form body that redeems `code` (RFC 6749 §4.1.3, RFC 7636 §4.5).
    func tokenRequestBody(code: String) -> String {
        "grant_type=authorization_code&code=\(FormEncoding.encode(code))&redirect_uri=\(FormEncoding.encode(redirectURI))&code_verifier=\(Self.verifier)"
    }

    func shutdown() async throws { try await http.shutdown() }

    func waitUntilUp() async throws {
        for _ in 0..<100 {
            if let response = try? await http.execute(HTTPClientRequest(url: issuer + "/health"), timeout: .seconds(2)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "server did not start")
    }

    /// authorize → simulator (auto-approve) → callback → code.
    func login() async throws -> String {
        let verifier = Self.verifier
        let start = AuthorizationResponse.append([
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI),
            ("scope", "openid profile"), ("state", "s"), ("nonce", "n"),
            ("code_challenge", PKCE.s256Challenge(for: verifier)), ("code_challenge_method", "S256"),
        ], to: issuer + "/authorize")
        var cookie: String?
        var url = start
        for _ in 0..<5 {
            var request = HTTPClientRequest(url: url)
            if let cookie { request.headers.add(name: "Cookie", value: cookie) }
            let response = try await http.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
            if let setCookie = response.headers.first(name: "Set-Cookie"), let pair = setCookie.split(separator: ";").first {
                cookie = String(pair)
            }
            guard let location = response.headers.first(name: "Location") else {
                throw Failure(description: "no redirect from \(url): \(response.status.code)")
            }
            if location.hasPrefix(redirectURI) {
                guard let query = location.split(separator: "?", maxSplits: 1).last,
                      let code = FormEncoding.parse(query)?.first(where: { $0.name == "code" })?.value
                else { throw Failure(description: "no code in \(location)") }
                return code
            }
            url = location.hasPrefix("/") ? issuer + location : location
        }
        throw Failure(description: "too many redirects")
    }

    func exchange(_ code: String) async throws -> String {
        var request = HTTPClientRequest(url: issuer + "/token")
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorizationHeader)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: tokenRequestBody(code: code)))
        let response = try await http.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw Failure(description: "token: \(response.status.code) \(String(buffer: body))") }
        return String(buffer: body)
    }

    /// Runs `operation` `count` times with at most `concurrency` in flight.
    func parallel(count: Int, concurrency: Int, _ operation: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var started = 0
            while started < min(concurrency, count) {
                group.addTask { try await operation() }
                started += 1
            }
            while try await group.next() != nil {
                if started < count {
                    group.addTask { try await operation() }
                    started += 1
                }
            }
        }
    }
}
