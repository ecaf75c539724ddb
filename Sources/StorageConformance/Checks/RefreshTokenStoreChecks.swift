import Foundation
import Storage
import Testing

enum RefreshTokenStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("refresh tokens: create then find returns the same record") { stores in
            try await Fixtures.seed(stores)
            let token = Fixtures.refreshToken("a")
            try await stores.refreshTokens.create(token)
            #expect(try await stores.refreshTokens.find(tokenHash: token.tokenHash) == token)
            #expect(try await stores.refreshTokens.find(tokenHash: Fixtures.hash("nope")) == nil)
            let error = await Fixtures.storageError { try await stores.refreshTokens.create(token) }
            #expect(error?.isConflict == true)
        },
        .init("refresh tokens: first use rotates, second use is a reuse") { stores in
            try await Fixtures.seed(stores)
            let token = Fixtures.refreshToken("a")
            try await stores.refreshTokens.create(token)
            var rotated = token
            rotated.rotatedAt = Fixtures.at(10)
            #expect(try await stores.refreshTokens.use(tokenHash: token.tokenHash, now: Fixtures.at(10)) == .rotated(rotated))
            #expect(try await stores.refreshTokens.use(tokenHash: token.tokenHash, now: Fixtures.at(11)) == .reused(rotated))
            #expect(try await stores.refreshTokens.use(tokenHash: Fixtures.hash("nope"), now: Fixtures.at(11)) == .notFound)
        },
        .init("refresh tokens: expired at expiresAt, usable one second before") { stores in
            try await Fixtures.seed(stores)
            let late = Fixtures.refreshToken("late", expiresAt: Fixtures.at(100))
            let onTime = Fixtures.refreshToken("on-time", expiresAt: Fixtures.at(100))
            try await stores.refreshTokens.create(late)
            try await stores.refreshTokens.create(onTime)
            #expect(try await stores.refreshTokens.use(tokenHash: late.tokenHash, now: Fixtures.at(100)) == .inactive(late))
            var rotated = onTime
            rotated.rotatedAt = Fixtures.at(99)
            #expect(try await stores.refreshTokens.use(tokenHash: onTime.tokenHash, now: Fixtures.at(99)) == .rotated(rotated))
        },
        .init("refresh tokens: revoking the family revokes every member, rotated ones too") { stores in
            try await Fixtures.seed(stores)
            let first = Fixtures.refreshToken("first")
            let second = Fixtures.refreshToken("second")
            let other = Fixtures.refreshToken("other", family: "grant-2")
            for token in [first, second, other] { try await stores.refreshTokens.create(token) }
            _ = try await stores.refreshTokens.use(tokenHash: first.tokenHash, now: Fixtures.at(1))
            #expect(try await stores.refreshTokens.revokeFamily(familyID: "grant-1", now: Fixtures.at(2)) == 2)
            #expect(try await stores.refreshTokens.revokeFamily(familyID: "grant-1", now: Fixtures.at(3)) == 0)
            let revoked = try #require(try await stores.refreshTokens.find(tokenHash: second.tokenHash))
            #expect(revoked.revokedAt == Fixtures.at(2))
            #expect(try await stores.refreshTokens.use(tokenHash: second.tokenHash, now: Fixtures.at(4)) == .inactive(revoked))
            // A revoked, rotated token is inactive (the family is already dead), not a reuse.
            if case .inactive = try await stores.refreshTokens.use(tokenHash: first.tokenHash, now: Fixtures.at(4)) {} else {
                Issue.record("a rotated token of a revoked family must be inactive")
            }
            let untouched = try #require(try await stores.refreshTokens.find(tokenHash: other.tokenHash))
            #expect(untouched.revokedAt == nil)
        },
        .init("refresh tokens: exactly one of 20 concurrent uses rotates") { stores in
            try await Fixtures.seed(stores)
            let token = Fixtures.refreshToken("raced")
            try await stores.refreshTokens.create(token)
            let outcomes = try await withThrowingTaskGroup(of: RefreshTokenUse.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await stores.refreshTokens.use(tokenHash: token.tokenHash, now: Fixtures.at(1)) }
                }
                return try await group.reduce(into: [RefreshTokenUse]()) { $0.append($1) }
            }
            let rotated = outcomes.filter { if case .rotated = $0 { true } else { false } }.count
            let reused = outcomes.filter { if case .reused = $0 { true } else { false } }.count
            #expect(rotated == 1)
            #expect(reused == 19)
        },
        .init("refresh tokens: purge keeps rotated tokens until the family's absolute expiry") { stores in
            try await Fixtures.seed(stores)
            let token = Fixtures.refreshToken("a", expiresAt: Fixtures.at(100), familyExpiresAt: Fixtures.at(1_000))
            try await stores.refreshTokens.create(token)
            #expect(try await stores.refreshTokens.purgeExpired(now: Fixtures.at(500)) == 0)
            #expect(try await stores.refreshTokens.purgeExpired(now: Fixtures.at(1_000)) == 1)
            #expect(try await stores.refreshTokens.find(tokenHash: token.tokenHash) == nil)
        },
    ]
}
