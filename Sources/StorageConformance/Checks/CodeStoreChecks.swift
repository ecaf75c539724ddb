import Foundation
import Storage
import Testing

enum CodeStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("codes: first consume wins, then replayed with the first consumedAt") { stores in
            try await Fixtures.seed(stores)
            let code = Fixtures.code("a")
            try await stores.codes.create(code)
            var consumed = code
            consumed.consumedAt = Fixtures.at(5)
            #expect(try await stores.codes.consume(codeHash: code.codeHash, now: Fixtures.at(5)) == .consumed(consumed))
            #expect(try await stores.codes.consume(codeHash: code.codeHash, now: Fixtures.at(6)) == .replayed(consumed))
        },
        .init("codes: unknown code is notFound") { stores in
            let outcome = try await stores.codes.consume(codeHash: Fixtures.hash("nope"), now: Fixtures.t0)
            #expect(outcome == .notFound)
        },
        .init("codes: expired at expiresAt, consumable one second before") { stores in
            try await Fixtures.seed(stores)
            let late = Fixtures.code("late", expiresAt: Fixtures.at(60))
            let onTime = Fixtures.code("on-time", expiresAt: Fixtures.at(60))
            try await stores.codes.create(late)
            try await stores.codes.create(onTime)
            #expect(try await stores.codes.consume(codeHash: late.codeHash, now: Fixtures.at(60)) == .expired(late))
            // Still expired (and still not consumed) on a second try.
            #expect(try await stores.codes.consume(codeHash: late.codeHash, now: Fixtures.at(61)) == .expired(late))
            var consumed = onTime
            consumed.consumedAt = Fixtures.at(59)
            #expect(try await stores.codes.consume(codeHash: onTime.codeHash, now: Fixtures.at(59)) == .consumed(consumed))
        },
        .init("codes: a replay after expiry is still reported as a replay") { stores in
            try await Fixtures.seed(stores)
            let code = Fixtures.code("a", expiresAt: Fixtures.at(60))
            try await stores.codes.create(code)
            var consumed = code
            consumed.consumedAt = Fixtures.at(1)
            #expect(try await stores.codes.consume(codeHash: code.codeHash, now: Fixtures.at(1)) == .consumed(consumed))
            #expect(try await stores.codes.consume(codeHash: code.codeHash, now: Fixtures.at(120)) == .replayed(consumed))
        },
        .init("codes: exactly one of 20 concurrent consumes wins") { stores in
            try await Fixtures.seed(stores)
            let code = Fixtures.code("raced")
            try await stores.codes.create(code)
            let outcomes = try await withThrowingTaskGroup(of: CodeConsumption.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await stores.codes.consume(codeHash: code.codeHash, now: Fixtures.at(Double(index % 3)))
                    }
                }
                return try await group.reduce(into: [CodeConsumption]()) { $0.append($1) }
            }
            var winners: [AuthorizationCodeRecord] = []
            var replays: [AuthorizationCodeRecord] = []
            for outcome in outcomes {
                switch outcome {
                case .consumed(let record): winners.append(record)
                case .replayed(let record): replays.append(record)
                case .expired, .notFound: Issue.record("unexpected outcome \(outcome)")
                }
            }
            #expect(winners.count == 1)
            #expect(replays.count == 19)
            let winner = try #require(winners.first)
            #expect(replays.allSatisfy { $0.consumedAt == winner.consumedAt })
        },
        .init("codes: creating the same hash twice is a conflict") { stores in
            try await Fixtures.seed(stores)
            try await stores.codes.create(Fixtures.code("a"))
            let error = await Fixtures.storageError { try await stores.codes.create(Fixtures.code("a")) }
            #expect(error?.isConflict == true)
        },
        .init("codes: purge removes expired codes, consumed or not, and keeps live ones") { stores in
            try await Fixtures.seed(stores)
            let expiredConsumed = Fixtures.code("x", expiresAt: Fixtures.at(10))
            let expired = Fixtures.code("y", expiresAt: Fixtures.at(20))
            let live = Fixtures.code("z", expiresAt: Fixtures.at(21))
            for code in [expiredConsumed, expired, live] { try await stores.codes.create(code) }
            _ = try await stores.codes.consume(codeHash: expiredConsumed.codeHash, now: Fixtures.at(1))
            #expect(try await stores.codes.purgeExpired(now: Fixtures.at(20)) == 2)
            #expect(try await stores.codes.consume(codeHash: expiredConsumed.codeHash, now: Fixtures.at(20)) == .notFound)
            #expect(try await stores.codes.consume(codeHash: expired.codeHash, now: Fixtures.at(20)) == .notFound)
            var consumed = live
            consumed.consumedAt = Fixtures.at(20)
            #expect(try await stores.codes.consume(codeHash: live.codeHash, now: Fixtures.at(20)) == .consumed(consumed))
        },
        .init("codes: redeem consumes the code, stores its access token and reads the client's version in one step") { stores in
            try await Fixtures.seed(stores)
            let version = try #require(try await stores.clients.find(id: "client-1")).version
            var code = Fixtures.code("versioned")
            code.claims = #"{"id_token":{"name":null}}"#
            try await stores.codes.create(code)
            var consumed = code
            consumed.consumedAt = Fixtures.at(5)
            let token = IssuedAccessToken(tokenHash: Fixtures.hash("issued-1"), expiresAt: Fixtures.at(3605))
            let first = try await stores.codes.redeem(codeHash: code.codeHash, now: Fixtures.at(5), versionOfClient: "client-1", issuing: token)
            #expect(first.0 == .consumed(consumed))
            #expect(first.clientVersion == version)
            #expect(try await stores.tokens.find(tokenHash: token.tokenHash) == AccessTokenRecord(
                tokenHash: token.tokenHash, grantID: code.grantID, clientID: code.clientID, userID: code.userID,
                scopes: code.scopes, claims: code.claims, createdAt: Fixtures.at(5), expiresAt: Fixtures.at(3605)
            ))
            // A replay stores nothing and reports the replay and the version; revoking the grant
            // reaches the token the redemption stored.
            let second = IssuedAccessToken(tokenHash: Fixtures.hash("issued-2"), expiresAt: Fixtures.at(3606))
            let replay = try await stores.codes.redeem(codeHash: code.codeHash, now: Fixtures.at(6), versionOfClient: "client-1", issuing: second)
            #expect(replay.0 == .replayed(consumed))
            #expect(replay.clientVersion == version)
            #expect(try await stores.tokens.find(tokenHash: second.tokenHash) == nil)
            #expect(try await stores.tokens.revokeGrant(grantID: code.grantID, now: Fixtures.at(7)) == 1)
            // Unknown and expired codes store nothing either.
            let unknown = try await stores.codes.redeem(codeHash: Fixtures.hash("nope"), now: Fixtures.at(6), versionOfClient: "client-1", issuing: second)
            #expect(unknown.0 == .notFound)
            #expect(unknown.clientVersion == version)
            let late = Fixtures.code("late", expiresAt: Fixtures.at(60))
            try await stores.codes.create(late)
            let expired = try await stores.codes.redeem(codeHash: late.codeHash, now: Fixtures.at(60), versionOfClient: "client-1", issuing: second)
            #expect(expired.0 == .expired(late))
            #expect(try await stores.tokens.find(tokenHash: second.tokenHash) == nil)
            // An updated client has another version; an unknown one has none.
            let stored = try #require(try await stores.clients.find(id: "client-1"))
            #expect(try await stores.clients.update(stored) == true)
            let again = Fixtures.code("after-update")
            try await stores.codes.create(again)
            let third = IssuedAccessToken(tokenHash: Fixtures.hash("issued-3"), expiresAt: Fixtures.at(3607))
            let afterUpdate = try await stores.codes.redeem(codeHash: again.codeHash, now: Fixtures.at(7), versionOfClient: "client-1", issuing: third)
            #expect(afterUpdate.clientVersion == version + 1)
            let other = Fixtures.code("ghost")
            try await stores.codes.create(other)
            let fourth = IssuedAccessToken(tokenHash: Fixtures.hash("issued-4"), expiresAt: Fixtures.at(3608))
            let ghost = try await stores.codes.redeem(codeHash: other.codeHash, now: Fixtures.at(8), versionOfClient: "no-such-client", issuing: fourth)
            #expect(ghost.clientVersion == nil)
            if case .consumed = ghost.0 {} else { Issue.record("expected the code to be consumed, got \(ghost.0)") }
            #expect(try await stores.tokens.find(tokenHash: fourth.tokenHash) != nil)
        },
        .init("codes: exactly one of 20 concurrent redemptions wins and stores exactly one token") { stores in
            try await Fixtures.seed(stores)
            let code = Fixtures.code("raced-redeem")
            try await stores.codes.create(code)
            let winners = try await withThrowingTaskGroup(of: Data?.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let token = IssuedAccessToken(tokenHash: Fixtures.hash("raced-\(index)"), expiresAt: Fixtures.at(3600))
                        let (outcome, _) = try await stores.codes.redeem(
                            codeHash: code.codeHash, now: Fixtures.at(Double(index % 3)), versionOfClient: "client-1", issuing: token
                        )
                        if case .consumed = outcome { return token.tokenHash }
                        return nil
                    }
                }
                return try await group.reduce(into: [Data]()) { if let hash = $1 { $0.append(hash) } }
            }
            #expect(winners.count == 1)
            #expect(try await stores.tokens.revokeGrant(grantID: code.grantID, now: Fixtures.at(10)) == 1)
        },
    ]
}
