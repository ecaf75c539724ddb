import Foundation
import Storage
import Testing

enum TokenStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("tokens: create then find returns the same record") { stores in
            try await Fixtures.seed(stores)
            let token = Fixtures.token("a")
            try await stores.tokens.create(token)
            #expect(try await stores.tokens.find(tokenHash: token.tokenHash) == token)
            #expect(try await stores.tokens.find(tokenHash: Fixtures.hash("other")) == nil)
            let error = await Fixtures.storageError { try await stores.tokens.create(token) }
            #expect(error?.isConflict == true)
        },
        .init("tokens: revokeGrant revokes that grant's tokens once") { stores in
            try await Fixtures.seed(stores)
            let a1 = Fixtures.token("a1", grant: "grant-a")
            let a2 = Fixtures.token("a2", grant: "grant-a")
            let b = Fixtures.token("b", grant: "grant-b")
            for token in [a1, a2, b] { try await stores.tokens.create(token) }

            #expect(try await stores.tokens.revokeGrant(grantID: "grant-a", now: Fixtures.at(30)) == 2)
            #expect(try await stores.tokens.find(tokenHash: a1.tokenHash)?.revokedAt == Fixtures.at(30))
            #expect(try await stores.tokens.find(tokenHash: a2.tokenHash)?.revokedAt == Fixtures.at(30))
            #expect(try await stores.tokens.find(tokenHash: b.tokenHash) == b)

            #expect(try await stores.tokens.revokeGrant(grantID: "grant-a", now: Fixtures.at(40)) == 0)
            #expect(try await stores.tokens.find(tokenHash: a1.tokenHash)?.revokedAt == Fixtures.at(30))
            #expect(try await stores.tokens.revokeGrant(grantID: "unknown", now: Fixtures.at(40)) == 0)
        },
        .init("tokens: revoke revokes one token once") { stores in
            try await Fixtures.seed(stores)
            let token = Fixtures.token("a")
            let other = Fixtures.token("b")
            try await stores.tokens.create(token)
            try await stores.tokens.create(other)
            let outcome1 = try await stores.tokens.revoke(tokenHash: token.tokenHash, now: Fixtures.at(5))

            #expect(outcome1)
            #expect(try await stores.tokens.revoke(tokenHash: token.tokenHash, now: Fixtures.at(6)) == false)
            let outcome2 = try await stores.tokens.revoke(tokenHash: Fixtures.hash("nope"), now: Fixtures.at(6))

            #expect(outcome2 == false)
            #expect(try await stores.tokens.find(tokenHash: token.tokenHash)?.revokedAt == Fixtures.at(5))
            #expect(try await stores.tokens.find(tokenHash: other.tokenHash)?.revokedAt == nil)
        },
        .init("tokens: purge removes expired tokens and keeps revoked live ones") { stores in
            try await Fixtures.seed(stores)
            let old = Fixtures.token("old", expiresAt: Fixtures.at(100))
            let revokedLive = Fixtures.token("revoked", grant: "grant-r", expiresAt: Fixtures.at(101))
            for token in [old, revokedLive] { try await stores.tokens.create(token) }
            try await stores.tokens.revokeGrant(grantID: "grant-r", now: Fixtures.at(50))
            #expect(try await stores.tokens.purgeExpired(now: Fixtures.at(100)) == 1)
            #expect(try await stores.tokens.find(tokenHash: old.tokenHash) == nil)
            #expect(try await stores.tokens.find(tokenHash: revokedLive.tokenHash)?.revokedAt == Fixtures.at(50))
        },
    ]
}
