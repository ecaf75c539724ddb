import Foundation
import Storage
import Testing

enum PurgeChecks {
    static let all: [StorageConformanceCheck] = [
        .init("stores: purgeExpired sums every store and keeps live rows") { stores in
            try await Fixtures.seed(stores)
            let liveCode = Fixtures.code("live", expiresAt: Fixtures.at(101))
            let liveToken = Fixtures.token("live", expiresAt: Fixtures.at(101))
            let liveSession = Fixtures.session("live", expiresAt: Fixtures.at(101))
            try await stores.codes.create(Fixtures.code("old", expiresAt: Fixtures.at(100)))
            try await stores.codes.create(liveCode)
            try await stores.tokens.create(Fixtures.token("old-1", expiresAt: Fixtures.at(50)))
            try await stores.tokens.create(Fixtures.token("old-2", expiresAt: Fixtures.at(100)))
            try await stores.tokens.create(liveToken)
            try await stores.sessions.create(Fixtures.session("old", expiresAt: Fixtures.at(100)))
            try await stores.sessions.create(liveSession)
            try await stores.authorizations.create(Fixtures.pending("old", expiresAt: Fixtures.at(100)))
            try await stores.authorizations.create(Fixtures.pending("live", expiresAt: Fixtures.at(101)))

            #expect(try await stores.purgeExpired(Fixtures.at(100)) == 5)
            #expect(try await stores.purgeExpired(Fixtures.at(100)) == 0)
            #expect(try await stores.tokens.find(tokenHash: liveToken.tokenHash) == liveToken)
            #expect(try await stores.sessions.find(cookieHash: liveSession.cookieHash, now: Fixtures.at(100)) == liveSession)
            #expect(try await stores.authorizations.consume(upstreamState: "live", now: Fixtures.at(100)) != nil)
            var consumed = liveCode
            consumed.consumedAt = Fixtures.at(100)
            #expect(try await stores.codes.consume(codeHash: liveCode.codeHash, now: Fixtures.at(100)) == .consumed(consumed))
        },
    ]
}
