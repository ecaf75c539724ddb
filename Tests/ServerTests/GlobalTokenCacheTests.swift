import Foundation
import Logging
import OIDC
import Storage
import Synchronization
import Testing
import WeChat
@testable import Server

/// WECHAT.md §5.1: the global access_token is "cached and **shared by every replica** (one fetch,
/// single-flight, refreshed before expiry) — never fetched per login". Two replicas are two
/// store connections to one SQLite file.
/// A list shared by concurrent closures (a `Mutex` cannot be captured by an escaping closure).
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    /// Appends `value`; returns how many values there are now.
    @discardableResult func record(_ value: Value) -> Int {
        values.withLock { list in
            list.append(value)
            return list.count
        }
    }

    var all: [Value] { values.withLock { $0 } }
    var count: Int { all.count }
}

@Suite("Official Account global token: shared, single-flight, refreshed before expiry")
struct GlobalTokenCacheTests {
    static func withTwoReplicas(_ body: @Sendable (Stores, Stores) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-gt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "test")
        let first = try await SQLStores.open(databaseURL: directory + "/db.sqlite", logger: logger)
        let second = try await SQLStores.open(databaseURL: directory + "/db.sqlite", logger: logger)
        do {
            try await body(first, second)
        } catch {
            try? await first.shutdown()
            try? await second.shutdown()
            throw error
        }
        try await first.shutdown()
        try await second.shutdown()
    }

    static func cache(_ stores: Stores, clock: ManualProviderClock, calls: Recorder<Bool>) -> GlobalTokenCache {
        GlobalTokenCache(store: stores.globalTokens, appID: "wxOA", clock: clock, fetch: { force in
            let number = calls.record(force)
            // A slow WeChat, so the other callers really overlap with the refresh.
            try await Task.sleep(for: .milliseconds(200))
            return WeChatGlobalToken(accessToken: "TOKEN-\(number)", expiresIn: 7200)
        })
    }

    @Test("20 concurrent callers on two replicas: exactly one stable_token call, everyone gets its token")
    func singleFlight() async throws {
        try await Self.withTwoReplicas { first, second in
            let clock = ManualProviderClock()
            let calls = Recorder<Bool>()
            let replicas = [Self.cache(first, clock: clock, calls: calls), Self.cache(second, clock: clock, calls: calls)]
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask { try await replicas[index % 2].token() }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(calls.count == 1)
            #expect(Set(tokens) == ["TOKEN-1"])
            // Cached: later logins make no call.
            #expect(try await replicas[1].token() == "TOKEN-1")
            #expect(calls.count == 1)
            // More than 5 minutes left: still the stored token.
            clock.advance(seconds: 7200 - 301)
            #expect(try await replicas[0].token() == "TOKEN-1")
            // Within 5 minutes of expiry: one refresh, shared again.
            clock.advance(seconds: 2)
            let refreshed = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<10 {
                    group.addTask { try await replicas[index % 2].token() }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(calls.count == 2)
            // While one replica refreshes, the others may keep using the still-valid old token.
            #expect(Set(refreshed).isSubset(of: ["TOKEN-1", "TOKEN-2"]))
            #expect(try await replicas[0].token() == "TOKEN-2")
        }
    }

    @Test("a failed refresh releases the lease: the next caller tries again")
    func failedRefresh() async throws {
        try await Self.withTwoReplicas { first, second in
            let clock = ManualProviderClock()
            let failing = GlobalTokenCache(store: first.globalTokens, appID: "wxOA", clock: clock, fetch: { _ in
                throw WeChatError.errcode(-1, errmsg: "system busy")
            })
            await #expect(throws: WeChatError.self) { try await failing.token() }
            let calls = Recorder<Bool>()
            let token = try await Self.cache(second, clock: clock, calls: calls).token()
            #expect(token == "TOKEN-1")
        }
    }

    @Test("WeChat refuses the token with 40001: invalidated, refreshed once with force_refresh, the call retried")
    func invalidCredential() async throws {
        try await Self.withTwoReplicas { first, _ in
            let clock = ManualProviderClock()
            let forced = Recorder<Bool>()
            let cache = GlobalTokenCache(store: first.globalTokens, appID: "wxOA", clock: clock, fetch: { force in
                let number = forced.record(force)
                return WeChatGlobalToken(accessToken: "TOKEN-\(number)", expiresIn: 7200)
            })
            let used = Recorder<String>()
            let answer = try await cache.withToken { token -> String in
                used.record(token)
                if token == "TOKEN-1" { throw WeChatError.errcode(40001, errmsg: "invalid credential") }
                return "ok"
            }
            #expect(answer == "ok")
            #expect(used.all == ["TOKEN-1", "TOKEN-2"])
            #expect(forced.all == [false, true])
            #expect(try await cache.token() == "TOKEN-2")
        }
    }

    @Test("sealed in the store: the database holds no usable token; a token sealed under another key is replaced")
    func sealed() async throws {
        try await Self.withTwoReplicas { first, second in
            let clock = ManualProviderClock()
            let calls = Recorder<Bool>()
            let sealer = try #require(SecretSealer(key: [UInt8](repeating: 7, count: 32)))
            var cache = Self.cache(first, clock: clock, calls: calls)
            cache.sealer = sealer
            #expect(try await cache.token() == "TOKEN-1")
            let raw = try #require(try await first.globalTokens.current(appID: "wxOA"))
            #expect(raw.accessToken != "TOKEN-1")
            #expect(!raw.accessToken.contains("TOKEN"))
            var replica = Self.cache(second, clock: clock, calls: calls)
            replica.sealer = sealer
            #expect(try await replica.token() == "TOKEN-1")
            #expect(calls.count == 1)
            var otherKey = Self.cache(second, clock: clock, calls: calls)
            otherKey.sealer = SecretSealer(key: [UInt8](repeating: 8, count: 32))
            #expect(try await otherKey.token() == "TOKEN-2")
            #expect(calls.count == 2)
        }
    }
}
