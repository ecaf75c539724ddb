import Foundation
import Logging
import Storage
import Testing
@testable import Server

@Suite("Operations: health, readiness, Prometheus metrics and request ids on the real server", .serialized)
struct OperationsEndpointTests {
    @Test("/healthz answers ok and /readyz ready while the store and keys are there")
    func healthAndReadiness() async throws {
        try await TestProvider.run { p in
            let health = try await p.browser.get(p.issuer + "/healthz")
            #expect(health.status == 200)
            #expect(health.body == "ok")
            let ready = try await p.browser.get(p.issuer + "/readyz")
            #expect(ready.status == 200)
            #expect(ready.body == "ready\n")
            #expect(ready.header("Cache-Control") == "no-store")
        }
    }

    @Test("every response carries an X-Request-Id, different per request")
    func requestIDs() async throws {
        try await TestProvider.run { p in
            let first = try await p.browser.get(p.issuer + "/healthz")
            let second = try await p.browser.get(p.issuer + "/.well-known/openid-configuration")
            let ids = [first.header("X-Request-Id"), second.header("X-Request-Id")].compactMap { $0 }
            #expect(ids.count == 2)
            #expect(Set(ids).count == 2)
            #expect(ids.allSatisfy { !$0.isEmpty })
        }
    }

    @Test("/metrics counts requests by route pattern and status, logins by door, WeChat calls by API and errcode, tokens issued")
    func metricsAfterALogin() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            _ = try await p.signIn(rp)
            // A refused token request shows up with its status.
            let refused = try await p.token(rp, code: "no-such-code")
            #expect(refused.status == 400)
            let page = try await p.browser.get(p.issuer + "/metrics")
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = page.body
            #expect(text.contains(#"wechat_oidc_http_requests_total{route="/token",method="POST",status="200"} 1"#))
            #expect(text.contains(#"wechat_oidc_http_requests_total{route="/token",method="POST",status="400"} 1"#))
            #expect(text.contains(#"wechat_oidc_http_request_duration_seconds_bucket{route="/token",method="POST",le="#))
            #expect(text.contains(#"wechat_oidc_logins_total{door="wechat_qr",outcome="success"} 1"#))
            #expect(text.contains(#"wechat_oidc_wechat_calls_total{api="/sns/oauth2/access_token",errcode="0"} 1"#))
            #expect(text.contains(#"wechat_oidc_wechat_calls_total{api="/sns/userinfo",errcode="0"} 1"#))
            #expect(text.contains(#"wechat_oidc_tokens_issued_total{grant_type="authorization_code",kind="id_token"} 1"#))
            #expect(text.contains(#"wechat_oidc_tokens_issued_total{grant_type="authorization_code",kind="access_token"} 1"#))
            // Raw paths never become labels: a 404 is counted under one bounded label.
            _ = try await p.browser.get(p.issuer + "/no/such/path/\(UUID().uuidString)")
            let after = try await p.browser.get(p.issuer + "/metrics").body
            #expect(!after.contains("/no/such/path"))
            // No code, token or secret ever appears in the exposition.
            #expect(!after.contains(rp.secret ?? "?"))
        }
    }

    @Test("metrics.enabled false: /metrics is not served")
    func metricsDisabled() async throws {
        var options = TestProvider.Options()
        options.adjustSettings = { $0.operations.metricsEnabled = false }
        try await TestProvider.run(options) { p in
            let answered1 = try await p.browser.get(p.issuer + "/metrics")
            #expect(answered1.status == 404)
        }
    }

    @Test("/readyz answers 503 once the store is gone")
    func notReadyWithoutStore() async throws {
        try await TestProvider.run { p in
            try await p.stores.shutdown()
            let page = try await p.browser.get(p.issuer + "/readyz")
            #expect(page.status == 503)
            #expect(page.body.hasPrefix("not ready: "))
            // Liveness is about the process, not its dependencies.
            let answered2 = try await p.browser.get(p.issuer + "/healthz")
            #expect(answered2.status == 200)
        }
    }
}

/// A signing-key store whose reads never come back (a database behind a partition).
struct HangingSigningKeyStore: SigningKeyStore {
    struct Unused: Error {}
    func create(_ key: SigningKeyRecord) async throws { throw Unused() }
    func list() async throws -> [SigningKeyRecord] { throw Unused() }
    func activate(kid: String, now: Date) async throws { throw Unused() }
    func promote(kid: String, now: Date) async throws -> Bool { throw Unused() }
    func retire(kid: String, now: Date) async throws { throw Unused() }
    func version() async throws -> Int {
        try await Task.sleep(for: .seconds(3600))
        return 0
    }
}

@Suite("Readiness against a store that hangs")
struct ReadinessTimeoutTests {
    @Test("a store that never answers makes /readyz say so within its limit, instead of hanging the probe")
    func hangingStore() async {
        let started = ContinuousClock.now
        let problem = await OperationsController.storeProblem(HangingSigningKeyStore(), within: .milliseconds(300))
        #expect(problem == "store did not answer within 0.3 seconds")
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test("a store that fails at once is reported unreachable; one that answers is fine")
    func failingAndAnsweringStores() async throws {
        #expect(await OperationsController.storeProblem(FailingSigningKeyStore(), within: .seconds(2)) == "store unreachable")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-ready-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stores = try await SQLStores.open(databaseURL: directory + "/db.sqlite", logger: Logger(label: "test"))
        #expect(await OperationsController.storeProblem(stores.signingKeys, within: .seconds(2)) == nil)
        try await stores.shutdown()
    }
}

struct FailingSigningKeyStore: SigningKeyStore {
    struct Down: Error {}
    func create(_ key: SigningKeyRecord) async throws { throw Down() }
    func list() async throws -> [SigningKeyRecord] { throw Down() }
    func activate(kid: String, now: Date) async throws { throw Down() }
    func promote(kid: String, now: Date) async throws -> Bool { throw Down() }
    func retire(kid: String, now: Date) async throws { throw Down() }
    func version() async throws -> Int { throw Down() }
}
