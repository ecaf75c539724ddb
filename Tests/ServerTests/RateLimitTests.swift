import Foundation
import Synchronization
import Testing
@testable import Server

@Suite("Rate limits: 429 Too Many Requests with Retry-After (RFC 6585 §4)", .serialized)
struct RateLimitTests {
    func options(perAddress: Int, perClient: Int, trusted: [String] = []) -> TestProvider.Options {
        var options = TestProvider.Options()
        options.adjustSettings = { settings in
            settings.operations.rateLimitPerAddress = perAddress
            settings.operations.rateLimitPerClient = perClient
            settings.operations.trustedProxies = trusted.compactMap(IPAddressRange.init)
        }
        return options
    }

    func tokenRequest(_ p: TestProvider, headers: [(String, String)] = []) async throws -> TestBrowser.Page {
        try await p.browser.get(p.issuer + "/token", method: .POST, form: [("grant_type", "authorization_code"), ("code", "x")], headers: headers)
    }

    /// `count` requests at once: the limits are per second, so a burst is what trips them
    /// however slow the machine (sequential requests could each take longer than the refill).
    func burst(_ count: Int, _ request: @escaping @Sendable (Int) async throws -> TestBrowser.Page) async throws -> [TestBrowser.Page] {
        try await withThrowingTaskGroup(of: TestBrowser.Page.self) { group in
            for index in 0..<count { group.addTask { try await request(index) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("per address: beyond the burst, 429 + Retry-After and an OAuth error body; other endpoints unaffected")
    func perAddressToken() async throws {
        try await TestProvider.run(options(perAddress: 1, perClient: 0)) { p in
            let pages = try await burst(12) { _ in try await tokenRequest(p) }
            let limited = pages.filter { $0.status == 429 }
            #expect(limited.count >= 6)
            #expect(pages.allSatisfy { $0.status == 429 || $0.status == 401 })
            let page = try #require(limited.first)
            #expect(Int(page.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(page.header("Cache-Control") == "no-store")
            let json = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
            #expect(json?["error"] as? String == "temporarily_unavailable")
            // Endpoints outside the limit keep answering.
            let discovery = try await p.browser.get(p.issuer + "/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            // The bucket refills at the configured rate.
            try await Task.sleep(for: .milliseconds(2100))
            let again = try await tokenRequest(p)
            #expect(again.status == 401)
        }
    }

    @Test("per address at /authorize: an HTML 429 page, never a redirect")
    func perAddressAuthorize() async throws {
        try await TestProvider.run(options(perAddress: 1, perClient: 0)) { p in
            let rp = try await p.registerClient()
            let pages = try await burst(12) { _ in try await p.browser.get(p.authorizeURL(rp)) }
            #expect(pages.allSatisfy { $0.status == 303 || $0.status == 429 })
            #expect(pages.filter { $0.status == 303 }.count >= 2)
            let limited = try #require(pages.first { $0.status == 429 })
            #expect(limited.header("Location") == nil)
            #expect(limited.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(limited.header("Retry-After") != nil)
        }
    }

    @Test("X-Forwarded-For is ignored from an untrusted peer: forging addresses does not escape the limit")
    func forwardedForFromUntrustedPeer() async throws {
        try await TestProvider.run(options(perAddress: 1, perClient: 0)) { p in
            let pages = try await burst(12) { index in try await tokenRequest(p, headers: [("X-Forwarded-For", "203.0.113.\(index)")]) }
            #expect(pages.filter { $0.status == 429 }.count >= 6)
        }
    }

    @Test("behind a trusted proxy each forwarded client address has its own bucket")
    func forwardedForFromTrustedProxy() async throws {
        try await TestProvider.run(options(perAddress: 1, perClient: 0, trusted: ["127.0.0.0/8", "::1"])) { p in
            let pages = try await burst(12) { _ in try await tokenRequest(p, headers: [("X-Forwarded-For", "203.0.113.7")]) }
            #expect(pages.filter { $0.status == 429 }.count >= 6)
            // Another client behind the same proxy is not affected; a spoofed left-most entry is
            // not what counts (the proxy appended the real address on the right).
            let other = try await tokenRequest(p, headers: [("X-Forwarded-For", "203.0.113.7, 198.51.100.9")])
            #expect(other.status == 401)
        }
    }

    @Test("per client at /token: counted for the authenticated client only")
    func perClientToken() async throws {
        try await TestProvider.run(options(perAddress: 0, perClient: 1)) { p in
            let rp = try await p.registerClient()
            let wrong = TestProvider.RP(clientID: rp.clientID, secret: "wrong", redirectURI: rp.redirectURI)
            // Failed authentication does not spend the client's allowance (nobody can exhaust
            // another client's limit by claiming its client_id).
            let failed = try await burst(12) { _ in try await p.token(wrong, code: "x").headers }
            #expect(failed.allSatisfy { $0.status == 401 })
            let pages = try await burst(12) { _ in try await p.token(rp, code: "x").headers }
            #expect(pages.allSatisfy { $0.status == 400 || $0.status == 429 })
            #expect(pages.filter { $0.status == 429 }.count >= 6)
            let limited = try #require(pages.first { $0.status == 429 })
            #expect(limited.body.contains(#""error":"temporarily_unavailable""#))
            // Another client has its own allowance.
            let other = try await p.registerClient()
            let answer = try await p.token(other, code: "x")
            #expect(answer.status == 400)
        }
    }

    @Test("rate_limit.per_address 0 turns the limit off")
    func disabled() async throws {
        try await TestProvider.run(options(perAddress: 0, perClient: 0)) { p in
            let pages = try await burst(30) { _ in try await tokenRequest(p) }
            #expect(pages.allSatisfy { $0.status == 401 })
        }
    }
}

@Suite("Rate limiter and client address, unit rules")
struct RateLimiterRuleTests {
    final class Clock: Sendable {
        let instant: Synchronization.Mutex<ContinuousClock.Instant> = .init(ContinuousClock.now)
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
        func now() -> ContinuousClock.Instant { instant.withLock { $0 } }
    }

    @Test("token bucket: burst, then whole seconds to wait, then refill at the rate")
    func bucket() {
        let clock = Clock()
        let limiter = RateLimiter(rate: 2, burst: 4, now: { clock.now() })
        for _ in 0..<4 { #expect(limiter.admit("a").allowed) }
        #expect(limiter.admit("a") == .init(allowed: false, retryAfter: 1))
        #expect(limiter.admit("b").allowed)
        clock.advance(.milliseconds(500))
        #expect(limiter.admit("a").allowed)
        #expect(!limiter.admit("a").allowed)
        clock.advance(.seconds(60))
        for _ in 0..<4 { #expect(limiter.admit("a").allowed) }
        #expect(!limiter.admit("a").allowed)
    }

    @Test("retry-after rounds up to whole seconds for slow rates")
    func slowRate() {
        let clock = Clock()
        let limiter = RateLimiter(rate: 1, burst: 1, now: { clock.now() })
        #expect(limiter.admit("a").allowed)
        #expect(limiter.admit("a").retryAfter == 1)
        clock.advance(.milliseconds(999))
        #expect(!limiter.admit("a").allowed)
    }

    @Test("at capacity, full buckets are dropped first so new keys cannot grow memory")
    func capacity() {
        let clock = Clock()
        let limiter = RateLimiter(rate: 1, burst: 2, capacity: 3, now: { clock.now() })
        for key in ["a", "b", "c"] { #expect(limiter.admit(key).allowed) }
        clock.advance(.seconds(5))
        #expect(limiter.admit("d").allowed)
        #expect(limiter.trackedKeys == 1)
        for index in 0..<1000 { _ = limiter.admit("k\(index)") }
        #expect(limiter.trackedKeys <= 3)
    }

    @Test("client address: the peer unless it is a trusted proxy; then the right-most untrusted hop")
    func addresses() {
        let none = ClientAddressResolver(trustedProxies: [])
        #expect(none.clientAddress(peer: "192.0.2.1", forwardedFor: ["203.0.113.5"]) == "192.0.2.1")
        #expect(none.clientAddress(peer: nil, forwardedFor: []) == "unknown")
        let proxies = ClientAddressResolver(trustedProxies: ["10.0.0.0/8", "2001:db8::/32"].compactMap(IPAddressRange.init))
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["203.0.113.5"]) == "203.0.113.5")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.1, 203.0.113.5, 10.9.9.9"]) == "203.0.113.5")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.1", "203.0.113.5"]) == "203.0.113.5")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["garbage, 203.0.113.5"]) == "203.0.113.5")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["203.0.113.5, garbage"]) == "10.1.2.3")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["10.2.2.2"]) == "10.2.2.2")
        #expect(proxies.clientAddress(peer: "2001:db8::1", forwardedFor: ["2001:db9::7"]) == "2001:db9::7")
        #expect(proxies.clientAddress(peer: "192.0.2.1", forwardedFor: ["203.0.113.5"]) == "192.0.2.1")
    }

    @Test("IP ranges: IPv4, IPv6, CIDR prefixes, IPv4-mapped IPv6; garbage refused")
    func ranges() throws {
        let v4 = try #require(IPAddressRange("10.0.0.0/8"))
        #expect(v4.contains("10.255.1.2"))
        #expect(!v4.contains("11.0.0.1"))
        #expect(v4.contains("::ffff:10.1.1.1"))
        let host = try #require(IPAddressRange("192.0.2.7"))
        #expect(host.contains("192.0.2.7"))
        #expect(!host.contains("192.0.2.8"))
        let v6 = try #require(IPAddressRange("fd00::/8"))
        #expect(v6.contains("fd12:3456::1"))
        #expect(!v6.contains("fe80::1"))
        #expect(!v6.contains("10.0.0.1"))
        #expect(IPAddressRange("10.0.0.0/33") == nil)
        #expect(IPAddressRange("example.com") == nil)
        #expect(IPAddressRange("10.0.0.0/") == nil)
        #expect(IPAddressRange("") == nil)
        #expect(IPAddressRange("1.2.3.4/8")?.description == "1.0.0.0/8")
    }
}
