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

    @Test("per address: a burst of twice the rate passes, the next request gets 429 + Retry-After and an OAuth error body")
    func perAddressToken() async throws {
        try await TestProvider.run(options(perAddress: 2, perClient: 0)) { p in
            for _ in 0..<4 {
                let answered1 = try await tokenRequest(p)
                #expect(answered1.status == 401)
            }
            let limited = try await tokenRequest(p)
            #expect(limited.status == 429)
            #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(limited.header("Cache-Control") == "no-store")
            let json = try JSONSerialization.jsonObject(with: Data(limited.body.utf8)) as? [String: Any]
            #expect(json?["error"] as? String == "temporarily_unavailable")
            // Endpoints outside the limit keep answering.
            let answered2 = try await p.browser.get(p.issuer + "/.well-known/openid-configuration")
            #expect(answered2.status == 200)
            // The bucket refills at the configured rate.
            try await Task.sleep(for: .milliseconds(1100))
            let answered3 = try await tokenRequest(p)
            #expect(answered3.status == 401)
        }
    }

    @Test("per address at /authorize: an HTML 429 page, never a redirect")
    func perAddressAuthorize() async throws {
        try await TestProvider.run(options(perAddress: 1, perClient: 0)) { p in
            let rp = try await p.registerClient()
            var statuses: [Int] = []
            var last: TestBrowser.Page?
            for _ in 0..<3 {
                let page = try await p.browser.get(p.authorizeURL(rp))
                statuses.append(page.status)
                last = page
            }
            #expect(statuses == [303, 303, 429])
            #expect(last?.header("Location") == nil)
            #expect(last?.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(last?.header("Retry-After") != nil)
        }
    }

    @Test("X-Forwarded-For is ignored from an untrusted peer: forging addresses does not escape the limit")
    func forwardedForFromUntrustedPeer() async throws {
        try await TestProvider.run(options(perAddress: 1, perClient: 0)) { p in
            var statuses: [Int] = []
            for index in 0..<3 {
                statuses.append(try await tokenRequest(p, headers: [("X-Forwarded-For", "203.0.113.\(index)")]).status)
            }
            #expect(statuses == [401, 401, 429])
        }
    }

    @Test("behind a trusted proxy each forwarded client address has its own bucket")
    func forwardedForFromTrustedProxy() async throws {
        try await TestProvider.run(options(perAddress: 1, perClient: 0, trusted: ["127.0.0.0/8", "::1"])) { p in
            for _ in 0..<2 {
                let answered4 = try await tokenRequest(p, headers: [("X-Forwarded-For", "203.0.113.7")])
                #expect(answered4.status == 401)
            }
            let answered5 = try await tokenRequest(p, headers: [("X-Forwarded-For", "203.0.113.7")])
            #expect(answered5.status == 429)
            // Another client behind the same proxy is not affected; a spoofed left-most entry is
            // not what counts (the proxy appended the real address on the right).
            let answered6 = try await tokenRequest(p, headers: [("X-Forwarded-For", "203.0.113.7, 198.51.100.9")])
            #expect(answered6.status == 401)
        }
    }

    @Test("per client at /token: counted for the authenticated client only")
    func perClientToken() async throws {
        try await TestProvider.run(options(perAddress: 0, perClient: 1)) { p in
            let rp = try await p.registerClient()
            let wrong = TestProvider.RP(clientID: rp.clientID, secret: "wrong", redirectURI: rp.redirectURI)
            // Failed authentication does not spend the client's allowance (nobody can exhaust
            // another client's limit by claiming its client_id).
            for _ in 0..<5 {
                let answered7 = try await p.token(wrong, code: "x")
                #expect(answered7.status == 401)
            }
            let answered8 = try await p.token(rp, code: "x")
            #expect(answered8.status == 400)
            let answered9 = try await p.token(rp, code: "x")
            #expect(answered9.status == 400)
            let limited = try await p.token(rp, code: "x")
            #expect(limited.status == 429)
            #expect(limited.json["error"] as? String == "temporarily_unavailable")
            // Another client has its own allowance.
            let other = try await p.registerClient()
            let answered10 = try await p.token(other, code: "x")
            #expect(answered10.status == 400)
        }
    }

    @Test("rate_limit.per_address 0 turns the limit off")
    func disabled() async throws {
        try await TestProvider.run(options(perAddress: 0, perClient: 0)) { p in
            for _ in 0..<30 {
                let answered11 = try await tokenRequest(p)
                #expect(answered11.status == 401)
            }
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
