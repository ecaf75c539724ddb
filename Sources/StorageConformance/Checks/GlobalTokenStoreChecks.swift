import Foundation
import Storage
import Testing

/// The Official Account's shared global access_token (WECHAT.md §5.1: "shared by every replica
/// (one fetch, single-flight, refreshed before expiry)").
enum GlobalTokenStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("global token: none at first; a claim, a save, then no claim while fresh; due again later") { stores in
            let tokens = stores.globalTokens
            #expect(try await tokens.current(appID: "wxOA") == nil)
            #expect(try await tokens.claimRefresh(appID: "wxOA", refreshBefore: Fixtures.at(300), leaseUntil: Fixtures.at(15), now: Fixtures.t0))
            // Nothing stored yet by the claim itself.
            #expect(try await tokens.current(appID: "wxOA") == nil)
            let saved = StoredGlobalToken(accessToken: "TOKEN-1", expiresAt: Fixtures.at(7200))
            try await tokens.save(appID: "wxOA", token: saved)
            #expect(try await tokens.current(appID: "wxOA") == saved)
            // Fresh: nobody may refresh.
            let early = try await tokens.claimRefresh(appID: "wxOA", refreshBefore: Fixtures.at(600), leaseUntil: Fixtures.at(15), now: Fixtures.t0)
            #expect(early == false)
            // Within the margin: one may.
            #expect(try await tokens.claimRefresh(appID: "wxOA", refreshBefore: Fixtures.at(7300), leaseUntil: Fixtures.at(7015), now: Fixtures.at(7000)))
            // The old token is still readable during the refresh.
            #expect(try await tokens.current(appID: "wxOA")?.accessToken == "TOKEN-1")
            // Another app is independent.
            #expect(try await tokens.current(appID: "wxOther") == nil)
            // A token WeChat refused is due at once; a newer one is left alone.
            try await tokens.save(appID: "wxOA", token: StoredGlobalToken(accessToken: "TOKEN-2", expiresAt: Fixtures.at(14200)))
            try await tokens.invalidate(appID: "wxOA", accessToken: "TOKEN-1")
            #expect(try await tokens.current(appID: "wxOA")?.expiresAt == Fixtures.at(14200))
            try await tokens.invalidate(appID: "wxOA", accessToken: "TOKEN-2")
            #expect(try await tokens.claimRefresh(appID: "wxOA", refreshBefore: Fixtures.at(7400), leaseUntil: Fixtures.at(7115), now: Fixtures.at(7100)))
        },
        .init("global token: a held lease blocks other claims until released or lapsed") { stores in
            let tokens = stores.globalTokens
            #expect(try await tokens.claimRefresh(appID: "wxOA", refreshBefore: Fixtures.at(300), leaseUntil: Fixtures.at(15), now: Fixtures.t0))
            let held = try await tokens.claimRefresh(appID: "wxOA", refreshBefore: Fixtures.at(301), leaseUntil: Fixtures.at(16), now: Fixtures.at(1))
            #expect(held == false)
            try await tokens.releaseClaim(appID: "wxOA")
            #expect(try await tokens.claimRefresh(appID: "wxOA", refreshBefore: Fixtures.at(302), leaseUntil: Fixtures.at(17), now: Fixtures.at(2)))
            // A crashed refresher's lease lapses.
            #expect(try await tokens.claimRefresh(appID: "wxOA", refreshBefore: Fixtures.at(317), leaseUntil: Fixtures.at(32), now: Fixtures.at(17)))
        },
        .init("global token: exactly one of 20 concurrent claims wins") { stores in
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await stores.globalTokens.claimRefresh(
                            appID: "wxOA", refreshBefore: Fixtures.at(300), leaseUntil: Fixtures.at(15), now: Fixtures.t0
                        )
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
        },
    ]
}
