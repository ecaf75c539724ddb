import Foundation
import Logging
import OIDC
@testable import Server
import Storage
import Synchronization
import Testing

@Suite("Client cache of the token endpoint")
struct ClientCacheTests {
    /// A monotonic instant tests move by hand.
    final class ManualInstant: Sendable {
        private let offset = Mutex<Duration>(.zero)
        private let start = ContinuousClock.now
        func now() -> ContinuousClock.Instant { start.advanced(by: offset.withLock { $0 }) }
        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
    }

    /// Counts loads and answers with whatever `current` holds.
    final class Source: Sendable {
        let current = Mutex<[String: ClientDescription]>([:])
        let loads = Atomic<Int>(0)
        func load(_ id: String) -> ClientDescription? {
            loads.add(1, ordering: .relaxed)
            return current.withLock { $0[id] }
        }
        var loadCount: Int { loads.load(ordering: .relaxed) }
    }

    static func client(_ id: String, secret: String = "s") -> ClientDescription {
        ClientDescription(id: id, name: id, redirectURIs: ["https://rp.example/cb"], authMethod: .clientSecretBasic, secretHash: SecretHash.sha256(secret))
    }

    @Test("a client is read once per lifetime; a change shows once the lifetime has passed")
    func lifetime() async throws {
        let clock = ManualInstant()
        let cache = ClientCache(lifetime: .seconds(1), now: { clock.now() })
        let source = Source()
        source.current.withLock { $0["a"] = Self.client("a", secret: "old") }
        #expect(try await cache.client(id: "a", load: source.load)?.secretHash == SecretHash.sha256("old"))
        source.current.withLock { $0["a"] = Self.client("a", secret: "new") }
        clock.advance(.milliseconds(999))
        #expect(try await cache.client(id: "a", load: source.load)?.secretHash == SecretHash.sha256("old"))
        #expect(source.loadCount == 1)
        clock.advance(.milliseconds(1))
        #expect(try await cache.client(id: "a", load: source.load)?.secretHash == SecretHash.sha256("new"))
        #expect(source.loadCount == 2)
    }

    @Test("unknown and deleted clients are not cached")
    func absentClients() async throws {
        let clock = ManualInstant()
        let cache = ClientCache(lifetime: .seconds(1), now: { clock.now() })
        let source = Source()
        #expect(try await cache.client(id: "x", load: source.load) == nil)
        #expect(try await cache.client(id: "x", load: source.load) == nil)
        #expect(source.loadCount == 2)
        #expect(cache.count == 0)
        // Created: usable at once.
        source.current.withLock { $0["x"] = Self.client("x") }
        #expect(try await cache.client(id: "x", load: source.load) != nil)
        // Deleted: refused once the entry is older than the lifetime, and dropped.
        source.current.withLock { $0["x"] = nil }
        clock.advance(.seconds(1))
        #expect(try await cache.client(id: "x", load: source.load) == nil)
        #expect(cache.count == 0)
    }

    @Test("at most `capacity` clients are kept")
    func capacity() async throws {
        let clock = ManualInstant()
        let cache = ClientCache(lifetime: .seconds(1), capacity: 3, now: { clock.now() })
        let source = Source()
        source.current.withLock { for id in ["a", "b", "c", "d", "e"] { $0[id] = Self.client(id) } }
        for id in ["a", "b", "c", "d", "e"] { _ = try await cache.client(id: id, load: source.load) }
        #expect(cache.count <= 3)
        #expect(try await cache.client(id: "e", load: source.load)?.id == "e")
    }

    @Test("a failed read is not cached and surfaces")
    func failedRead() async throws {
        struct Broken: Error {}
        let cache = ClientCache()
        await #expect(throws: Broken.self) { try await cache.client(id: "a") { _ in throw Broken() } }
        #expect(cache.count == 0)
    }
}

@Suite("Client changes made by another process reach the token endpoint", .serialized)
struct ClientChangeTests {
    /// Writes through a second connection to the same database file, as the CLI does.
    static func withOtherProcessStores(_ p: TestProvider, _ body: (Stores) async throws -> Void) async throws {
        var logger = Logger(label: "cli")
        logger.logLevel = .error
        let stores = try await SQLStores.open(databaseURL: p.settings.databaseURL, logger: logger)
        do {
            try await body(stores)
        } catch {
            try? await stores.shutdown()
            throw error
        }
        try await stores.shutdown()
    }

    static func waitOutCache() async throws {
        try await Task.sleep(for: ClientCache.defaultLifetime + .milliseconds(100))
    }

    @Test("a rotated secret: the old one is refused, the new one accepted, within the cache lifetime")
    func rotatedSecret() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try #require(try await p.login(rp)["code"])
            #expect(try await p.token(rp, code: first).status == 200)
            var newSecret = ""
            try await Self.withOtherProcessStores(p) { stores in
                newSecret = try await ClientRegistry(store: stores.clients).rotateSecret(id: rp.clientID)
            }
            try await Self.waitOutCache()
            let code = try #require(try await p.login(rp)["code"])
            let refused = try await p.token(rp, code: code)
            #expect(refused.status == 401)
            #expect(refused.json["error"] as? String == "invalid_client")
            let rotated = TestProvider.RP(clientID: rp.clientID, secret: newSecret, redirectURI: rp.redirectURI)
            #expect(try await p.token(rotated, code: code).status == 200)
        }
    }

    @Test("a deleted client is refused at the token endpoint")
    func deletedClient() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let first = try #require(try await p.login(rp)["code"])
            #expect(try await p.token(rp, code: first).status == 200)
            let second = try #require(try await p.login(rp)["code"])
            try await Self.withOtherProcessStores(p) { stores in
                let deleted = try await stores.clients.delete(id: rp.clientID)
                #expect(deleted)
            }
            try await Self.waitOutCache()
            let refused = try await p.token(rp, code: second)
            #expect(refused.status == 401)
            #expect(refused.json["error"] as? String == "invalid_client")
        }
    }
}
