import Foundation
import OIDC
@testable import Server
import Synchronization
import Testing

/// The cache of clients' `jwks_uri` documents (OIDC Core §10.1.1), with short durations.
@Suite("Cache of client JWK Sets")
struct ClientJWKSCacheTests {
    final class Origin: Sendable {
        let document = Mutex("{\"keys\":[{\"kty\":\"EC\",\"kid\":\"k1\"}]}")
        let fails = Mutex(false)
        let calls = Mutex(0)

        func fetch(_: String) async throws -> [UInt8] {
            calls.withLock { $0 += 1 }
            if fails.withLock({ $0 }) { throw ClientJWKSCache.Failure(description: "down") }
            return Array(document.withLock { $0 }.utf8)
        }
    }

    func kids(_ keys: [JSONValue]) -> [String] { keys.compactMap { $0.objectValue?["kid"]?.stringValue } }

    @Test("kept for the lifetime; an unknown kid refetches only after the refetch interval; then expiry refetches")
    func lifetimeAndUnknownKID() async throws {
        let origin = Origin()
        let cache = ClientJWKSCache(fetch: origin.fetch, lifetime: .milliseconds(600), refetchInterval: .milliseconds(200))
        #expect(kids(try await cache.keys(uri: "u", kid: "k1")) == ["k1"])
        #expect(kids(try await cache.keys(uri: "u", kid: nil)) == ["k1"])
        origin.document.withLock { $0 = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"k1\"},{\"kty\":\"EC\",\"kid\":\"k2\"}]}" }
        #expect(kids(try await cache.keys(uri: "u", kid: "k2")) == ["k1"], "too soon to refetch")
        #expect(origin.calls.withLock { $0 } == 1)
        try await Task.sleep(for: .milliseconds(250))
        #expect(kids(try await cache.keys(uri: "u", kid: "k2")) == ["k1", "k2"])
        #expect(origin.calls.withLock { $0 } == 2)
        try await Task.sleep(for: .milliseconds(650))
        _ = try await cache.keys(uri: "u", kid: "k1")
        #expect(origin.calls.withLock { $0 } == 3)
    }

    @Test("a failed fetch is not repeated within the refetch interval")
    func failuresAreNotHammered() async throws {
        let origin = Origin()
        origin.fails.withLock { $0 = true }
        let cache = ClientJWKSCache(fetch: origin.fetch, lifetime: .seconds(60), refetchInterval: .milliseconds(200))
        await #expect(throws: (any Error).self) { try await cache.keys(uri: "u", kid: nil) }
        await #expect(throws: (any Error).self) { try await cache.keys(uri: "u", kid: nil) }
        #expect(origin.calls.withLock { $0 } == 1)
        origin.fails.withLock { $0 = false }
        try await Task.sleep(for: .milliseconds(250))
        #expect(kids(try await cache.keys(uri: "u", kid: nil)) == ["k1"])
        #expect(origin.calls.withLock { $0 } == 2)
    }
}
