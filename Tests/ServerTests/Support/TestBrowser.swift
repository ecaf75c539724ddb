import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OIDC

/// A browser for tests: follows redirects by hand, keeps cookies per host, and stops at the
/// relying party's redirect URI.
final class TestBrowser: Sendable {
    let http: HTTPClient
    /// Sent as `User-Agent` on every request when set (e.g. WeChat's in-app browser).
    let userAgent: String?
    private let jar = CookieJar()

    init(http: HTTPClient, userAgent: String? = nil) {
        self.http = http
        self.userAgent = userAgent
    }

    /// WeChat's in-app browser on a phone (WECHAT.md §3: `MicroMessenger` in the User-Agent).
    static let weChatUserAgent =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"

    struct Page: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: String
        let url: String

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

        /// The body without its `<style>`/`<script>` blocks and tags, spaces collapsed: what a
        /// failure message should show of an HTML page.
        var visibleText: String {
            var text = body.replacingOccurrences(of: #"<(style|script)[^>]*>[\s\S]*?</\1>"#, with: " ", options: .regularExpression)
            text = text.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            return text.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        }
    }

    /// One request, no redirect following.
    func get(_ url: String, method: HTTPMethod = .GET, form: [(String, String)]? = nil, rawBody: String? = nil, headers: [(String, String)] = []) async throws -> Page {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let cookie = await jar.header(for: url) { request.headers.add(name: "Cookie", value: cookie) }
        if let userAgent { request.headers.add(name: "User-Agent", value: userAgent) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&")))
        }
        if let rawBody {
            request.headers.add(name: "Content-Type", value: "text/xml")
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 4 << 20)
        for value in response.headers["Set-Cookie"] { await jar.store(value, from: url) }
        return Page(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: body), url: url)
    }

    /// Follows redirects until the location starts with `stopPrefix` (returned, not fetched)
    /// or a non-redirect page arrives.
    func follow(_ url: String, stopAt stopPrefix: String, maxHops: Int = 10) async throws -> FollowOutcome {
        var current = url
        for _ in 0..<maxHops {
            let page = try await get(current)
            guard (300..<400).contains(page.status), let location = page.header("Location") else { return .stopped(page) }
            let absolute = location.hasPrefix("/") ? Self.origin(of: current) + location : location
            if absolute.hasPrefix(stopPrefix) { return .reached(absolute) }
            current = absolute
        }
        throw TestFailure("too many redirects from \(url)")
    }

    /// Where `follow` ended.
    enum FollowOutcome: Sendable {
        /// A redirect to the stop prefix.
        case reached(String)
        /// A page that is not a redirect.
        case stopped(Page)

        func get() throws -> String {
            switch self {
            case .reached(let location): return location
            case .stopped(let page): throw TestFailure("stopped at \(page.url) with \(page.status): \(page.visibleText.prefix(600))")
            }
        }
    }

    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return url }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    func clearCookies() async { await jar.clear() }
}

/// Cookies by host:port (enough for loopback tests).
actor CookieJar {
    private var cookies: [String: [String: String]] = [:]

    func store(_ setCookie: String, from url: String) {
        guard let pair = setCookie.split(separator: ";").first, let eq = pair.firstIndex(of: "=") else { return }
        let name = String(pair[..<eq]).trimmingCharacters(in: .whitespaces)
        let value = String(pair[pair.index(after: eq)...])
        let key = TestBrowser.origin(of: url)
        if setCookie.lowercased().contains("max-age=0") || value.isEmpty {
            cookies[key]?[name] = nil
        } else {
            cookies[key, default: [:]][name] = value
        }
    }

    func header(for url: String) -> String? {
        guard let values = cookies[TestBrowser.origin(of: url)], !values.isEmpty else { return nil }
        return values.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
    }

    func clear() { cookies.removeAll() }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Query parameters of a URL, decoded.
func queryItems(_ url: String) -> [String: String] {
    guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
    var result: [String: String] = [:]
    for pair in FormEncoding.parse(query.split(separator: "#").first ?? "") ?? [] { result[pair.name] = pair.value }
    return result
}
