import Foundation
import Storage
import Testing

enum ReplayCacheStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("replay cache: an identifier is accepted once until it expires, per namespace") { stores in
            let cache = stores.replayCache
            #expect(try await cache.remember(namespace: "client-1", identifier: "jti-1", expiresAt: Fixtures.at(60), now: Fixtures.t0))
            let outcome1 = try await cache.remember(namespace: "client-1", identifier: "jti-1", expiresAt: Fixtures.at(90), now: Fixtures.at(59))

            #expect(outcome1 == false)
            #expect(try await cache.remember(namespace: "client-2", identifier: "jti-1", expiresAt: Fixtures.at(60), now: Fixtures.at(1)))
            // Expired: may be recorded again.
            let outcome2 = try await cache.remember(namespace: "client-1", identifier: "jti-1", expiresAt: Fixtures.at(120), now: Fixtures.at(60))

            #expect(outcome2)
            #expect(try await cache.purgeExpired(now: Fixtures.at(61)) == 1)
        },
        .init("replay cache: exactly one of 20 concurrent remembers wins") { stores in
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await stores.replayCache.remember(namespace: "c", identifier: "raced", expiresAt: Fixtures.at(60), now: Fixtures.t0)
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
        },
    ]
}
