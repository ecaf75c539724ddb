import Foundation
import Storage
import Testing

enum AuthorizationStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("authorizations: consume returns the record once") { stores in
            try await Fixtures.seed(stores)
            let pending = Fixtures.pending("state-1")
            try await stores.authorizations.create(pending)
            #expect(try await stores.authorizations.consume(upstreamState: "state-1", now: Fixtures.t0) == pending)
            #expect(try await stores.authorizations.consume(upstreamState: "state-1", now: Fixtures.t0) == nil)
            #expect(try await stores.authorizations.consume(upstreamState: "unknown", now: Fixtures.t0) == nil)
        },
        .init("authorizations: optional fields and defaults round-trip") { stores in
            try await Fixtures.seed(stores)
            let pending = PendingAuthorization(
                upstreamState: "bare", browserBindingHash: Fixtures.hash("b"), clientID: "client-1",
                redirectURI: "https://rp.example/cb", scopes: [], state: nil, nonce: nil, codeChallenge: nil,
                codeChallengeMethod: nil, createdAt: Fixtures.t0, expiresAt: Fixtures.at(600)
            )
            try await stores.authorizations.create(pending)
            let consumed = try await stores.authorizations.consume(upstreamState: "bare", now: Fixtures.t0)
            #expect(consumed == pending)
            #expect(consumed?.responseMode == "query")
            #expect(consumed?.extras == [:])
        },
        .init("authorizations: expired at expiresAt, valid one second before") { stores in
            try await Fixtures.seed(stores)
            try await stores.authorizations.create(Fixtures.pending("a", expiresAt: Fixtures.at(600)))
            try await stores.authorizations.create(Fixtures.pending("b", expiresAt: Fixtures.at(600)))
            #expect(try await stores.authorizations.consume(upstreamState: "a", now: Fixtures.at(600)) == nil)
            #expect(try await stores.authorizations.consume(upstreamState: "b", now: Fixtures.at(599))?.upstreamState == "b")
        },
        .init("authorizations: one winner among 20 concurrent consumes") { stores in
            try await Fixtures.seed(stores)
            try await stores.authorizations.create(Fixtures.pending("raced"))
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await stores.authorizations.consume(upstreamState: "raced", now: Fixtures.t0) != nil
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        },
        .init("authorizations: purge removes rows expired at now, keeps live ones") { stores in
            try await Fixtures.seed(stores)
            try await stores.authorizations.create(Fixtures.pending("old-1", expiresAt: Fixtures.at(10)))
            try await stores.authorizations.create(Fixtures.pending("old-2", expiresAt: Fixtures.at(20)))
            try await stores.authorizations.create(Fixtures.pending("live", expiresAt: Fixtures.at(21)))
            #expect(try await stores.authorizations.purgeExpired(now: Fixtures.at(20)) == 2)
            #expect(try await stores.authorizations.purgeExpired(now: Fixtures.at(20)) == 0)
            #expect(try await stores.authorizations.consume(upstreamState: "live", now: Fixtures.at(20)) != nil)
        },
    ]
}
