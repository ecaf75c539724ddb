import Foundation
import Storage
import Testing

enum SigningKeyStoreChecks {
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
        .init("signing keys: a second active key cannot be created") { stores in
            try await stores.signingKeys.create(Fixtures.signingKey("k1", state: .active))
            let error = await Fixtures.storageError {
                try await stores.signingKeys.create(Fixtures.signingKey("k2", state: .active))
            }
            #expect(error?.isConflict == true)
            #expect(try await stores.signingKeys.list().map(\.kid) == ["k1"])
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
