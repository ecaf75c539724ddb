import Foundation
import Storage
import Testing

enum SigningKeyStoreChecks {
    /// A `next` key of `algorithm`, optionally scheduled.
    static func key(
        _ kid: String, _ algorithm: String, state: SigningKeyRecord.State = .next, createdAt: Date = Fixtures.t0,
        activatesAt: Date? = nil
    ) -> SigningKeyRecord {
        SigningKeyRecord(
            kid: kid, algorithm: algorithm, state: state, fileName: "\(kid).pem", createdAt: createdAt, activatesAt: activatesAt
        )
    }

    static let all: [StorageConformanceCheck] = [
        .init("signing keys: create and list oldest first; duplicate kid is a conflict") { stores in
            let newer = Fixtures.signingKey("k2", createdAt: Fixtures.at(10))
            let older = Fixtures.signingKey("k1", createdAt: Fixtures.t0)
            try await stores.signingKeys.create(newer)
            try await stores.signingKeys.create(older)
            #expect(try await stores.signingKeys.list() == [older, newer])
            let error = await Fixtures.storageError { try await stores.signingKeys.create(Fixtures.signingKey("k1")) }
            #expect(error?.isConflict == true)
        },
        .init("signing keys: activate makes one active and the old active previous") { stores in
            try await stores.signingKeys.create(Fixtures.signingKey("k1", createdAt: Fixtures.t0))
            try await stores.signingKeys.create(Fixtures.signingKey("k2", createdAt: Fixtures.at(1)))
            try await stores.signingKeys.activate(kid: "k1", now: Fixtures.at(10))
            try await stores.signingKeys.activate(kid: "k2", now: Fixtures.at(20))
            let keys = try await stores.signingKeys.list()
            #expect(keys.map(\.kid) == ["k1", "k2"])
            #expect(keys.map(\.state) == [.previous, .active])
            #expect(keys.map(\.activatedAt) == [Fixtures.at(10), Fixtures.at(20)])
            #expect(keys.filter { $0.state == .active }.count == 1)
        },
        .init("signing keys: activating the active key changes nothing") { stores in
            try await stores.signingKeys.create(Fixtures.signingKey("k1"))
            try await stores.signingKeys.activate(kid: "k1", now: Fixtures.at(10))
            let version = try await stores.signingKeys.version()
            try await stores.signingKeys.activate(kid: "k1", now: Fixtures.at(20))
            #expect(try await stores.signingKeys.list().first?.activatedAt == Fixtures.at(10))
            #expect(try await stores.signingKeys.version() == version)
        },
        .init("signing keys: unknown or retired kids cannot be activated") { stores in
            try await stores.signingKeys.create(Fixtures.signingKey("k1"))
            try await stores.signingKeys.retire(kid: "k1", now: Fixtures.at(5))
            let unknown = await Fixtures.storageError { try await stores.signingKeys.activate(kid: "nope", now: Fixtures.t0) }
            #expect(unknown?.isNotFound == true)
            let retired = await Fixtures.storageError { try await stores.signingKeys.activate(kid: "k1", now: Fixtures.t0) }
            #expect(retired?.isNotFound == true)
            #expect(try await stores.signingKeys.list().map(\.state) == [.retired])
        },
        .init("signing keys: retire sets the state and time; unknown kid is notFound") { stores in
            try await stores.signingKeys.create(Fixtures.signingKey("k1"))
            try await stores.signingKeys.activate(kid: "k1", now: Fixtures.at(1))
            try await stores.signingKeys.create(Fixtures.signingKey("k2", createdAt: Fixtures.at(2)))
            try await stores.signingKeys.activate(kid: "k2", now: Fixtures.at(3))
            try await stores.signingKeys.retire(kid: "k1", now: Fixtures.at(4))
            let retired = try #require(try await stores.signingKeys.list().first)
            #expect(retired == SigningKeyRecord(
                kid: "k1", algorithm: "RS256", state: .retired, fileName: "k1.pem", createdAt: Fixtures.t0,
                activatedAt: Fixtures.at(1), retiredAt: Fixtures.at(4)
            ))
            let error = await Fixtures.storageError { try await stores.signingKeys.retire(kid: "nope", now: Fixtures.t0) }
            #expect(error?.isNotFound == true)
        },
        .init("signing keys: a second active key of one algorithm cannot be created; one of another algorithm can") { stores in
            try await stores.signingKeys.create(Fixtures.signingKey("k1", state: .active))
            let error = await Fixtures.storageError {
                try await stores.signingKeys.create(Fixtures.signingKey("k2", state: .active))
            }
            #expect(error?.isConflict == true)
            #expect(try await stores.signingKeys.list().map(\.kid) == ["k1"])
            try await stores.signingKeys.create(key("e1", "ES256", state: .active, createdAt: Fixtures.at(1)))
            #expect(try await stores.signingKeys.list().map(\.state) == [.active, .active])
        },
        .init("signing keys: activation demotes only the active key of the same algorithm") { stores in
            try await stores.signingKeys.create(key("r1", "RS256", createdAt: Fixtures.t0))
            try await stores.signingKeys.create(key("e1", "ES256", createdAt: Fixtures.at(1)))
            try await stores.signingKeys.create(key("p1", "PS256", createdAt: Fixtures.at(2)))
            try await stores.signingKeys.create(key("r2", "RS256", createdAt: Fixtures.at(3)))
            for kid in ["r1", "e1", "p1"] { try await stores.signingKeys.activate(kid: kid, now: Fixtures.at(10)) }
            try await stores.signingKeys.activate(kid: "r2", now: Fixtures.at(20))
            let keys = try await stores.signingKeys.list()
            #expect(keys.map(\.kid) == ["r1", "e1", "p1", "r2"])
            #expect(keys.map(\.state) == [.previous, .active, .active, .active])
        },
        .init("signing keys: a scheduled activation time round-trips and is cleared by activation") { stores in
            try await stores.signingKeys.create(key("k1", "RS256", activatesAt: Fixtures.at(3600)))
            #expect(try await stores.signingKeys.list().first?.activatesAt == Fixtures.at(3600))
            try await stores.signingKeys.activate(kid: "k1", now: Fixtures.at(5))
            let key = try #require(try await stores.signingKeys.list().first)
            #expect(key.state == .active)
            #expect(key.activatedAt == Fixtures.at(5))
            #expect(key.activatesAt == nil)
        },
        .init("signing keys: promote activates a due scheduled key once, and nothing else") { stores in
            try await stores.signingKeys.create(key("old", "RS256", createdAt: Fixtures.t0))
            try await stores.signingKeys.activate(kid: "old", now: Fixtures.at(1))
            try await stores.signingKeys.create(key("new", "RS256", createdAt: Fixtures.at(2), activatesAt: Fixtures.at(100)))
            try await stores.signingKeys.create(key("manual", "RS256", createdAt: Fixtures.at(3)))
            let version = try await stores.signingKeys.version()
            // Not due yet, not scheduled, unknown: no change, no new version.
            #expect(try await stores.signingKeys.promote(kid: "new", now: Fixtures.at(99)) == false)
            #expect(try await stores.signingKeys.promote(kid: "manual", now: Fixtures.at(500)) == false)
            #expect(try await stores.signingKeys.promote(kid: "nope", now: Fixtures.at(500)) == false)
            #expect(try await stores.signingKeys.promote(kid: "old", now: Fixtures.at(500)) == false)
            #expect(try await stores.signingKeys.version() == version)
            #expect(try await stores.signingKeys.list().map(\.state) == [.active, .next, .next])

            #expect(try await stores.signingKeys.promote(kid: "new", now: Fixtures.at(100)) == true)
            let after = try await stores.signingKeys.version()
            #expect(after != version)
            #expect(try await stores.signingKeys.promote(kid: "new", now: Fixtures.at(101)) == false)
            #expect(try await stores.signingKeys.version() == after)
            let keys = try await stores.signingKeys.list()
            #expect(keys.map(\.state) == [.previous, .active, .next])
            #expect(keys[1].activatedAt == Fixtures.at(100))
            #expect(keys[1].activatesAt == nil)
        },
        .init("signing keys: concurrent promotions of one key: exactly one succeeds") { stores in
            try await stores.signingKeys.create(key("old", "RS256", createdAt: Fixtures.t0))
            try await stores.signingKeys.activate(kid: "old", now: Fixtures.at(1))
            try await stores.signingKeys.create(key("new", "RS256", createdAt: Fixtures.at(2), activatesAt: Fixtures.at(10)))
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await stores.signingKeys.promote(kid: "new", now: Fixtures.at(10)) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await stores.signingKeys.list().map(\.state) == [.previous, .active])
        },
        .init("signing keys: an activation cancels the other scheduled activations of its algorithm only") { stores in
            try await stores.signingKeys.create(key("r1", "RS256", createdAt: Fixtures.t0, activatesAt: Fixtures.at(100)))
            try await stores.signingKeys.create(key("e1", "ES256", createdAt: Fixtures.at(1), activatesAt: Fixtures.at(100)))
            try await stores.signingKeys.create(key("r2", "RS256", createdAt: Fixtures.at(2)))
            try await stores.signingKeys.activate(kid: "r2", now: Fixtures.at(5))
            let keys = try await stores.signingKeys.list()
            #expect(keys.map(\.activatesAt) == [nil, Fixtures.at(100), nil])
            #expect(keys.map(\.state) == [.next, .next, .active])
            // The cancelled key is no longer due, whatever the time.
            #expect(try await stores.signingKeys.promote(kid: "r1", now: Fixtures.at(1000)) == false)
            #expect(try await stores.signingKeys.promote(kid: "e1", now: Fixtures.at(1000)) == true)
        },
        .init("signing keys: retiring a scheduled key cancels its activation") { stores in
            try await stores.signingKeys.create(key("k1", "RS256", activatesAt: Fixtures.at(10)))
            try await stores.signingKeys.retire(kid: "k1", now: Fixtures.at(5))
            #expect(try await stores.signingKeys.promote(kid: "k1", now: Fixtures.at(20)) == false)
            let retired = try #require(try await stores.signingKeys.list().first)
            #expect(retired.state == .retired)
            #expect(retired.activatesAt == nil)
        },
        .init("signing keys: version changes on every change and only then") { stores in
            var seen = [try await stores.signingKeys.version()]
            try await stores.signingKeys.create(Fixtures.signingKey("k1"))
            seen.append(try await stores.signingKeys.version())
            try await stores.signingKeys.activate(kid: "k1", now: Fixtures.at(1))
            seen.append(try await stores.signingKeys.version())
            _ = try await stores.signingKeys.list()
            #expect(try await stores.signingKeys.version() == seen.last)
            try await stores.signingKeys.create(Fixtures.signingKey("k2", createdAt: Fixtures.at(1)))
            seen.append(try await stores.signingKeys.version())
            try await stores.signingKeys.activate(kid: "k2", now: Fixtures.at(2))
            seen.append(try await stores.signingKeys.version())
            try await stores.signingKeys.retire(kid: "k1", now: Fixtures.at(3))
            seen.append(try await stores.signingKeys.version())
            #expect(Set(seen).count == seen.count, "versions \(seen) must all differ")
            // A failed change leaves the version alone.
            _ = await Fixtures.storageError { try await stores.signingKeys.activate(kid: "nope", now: Fixtures.t0) }
            #expect(try await stores.signingKeys.version() == seen.last)
        },
    ]
}
