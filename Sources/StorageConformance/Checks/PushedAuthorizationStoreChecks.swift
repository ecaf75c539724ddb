import Foundation
import Storage
import Testing

enum PushedAuthorizationStoreChecks {
    static func request(_ uri: String, expiresAt: Date = Fixtures.at(60)) -> PushedAuthorizationRecord {
        PushedAuthorizationRecord(
            requestURI: "urn:ietf:params:oauth:request_uri:\(uri)", clientID: "client-1",
            parameters: [["scope", "openid profile"], ["state", "é/&="], ["scope", "repeated"]],
            createdAt: Fixtures.t0, expiresAt: expiresAt
        )
    }

    static let all: [StorageConformanceCheck] = [
        .init("pushed requests: consumed once, parameters in order") { stores in
            try await Fixtures.seed(stores)
            let pushed = request("a")
            try await stores.pushedAuthorizations.create(pushed)
            #expect(try await stores.pushedAuthorizations.consume(requestURI: pushed.requestURI, now: Fixtures.at(1)) == pushed)
            #expect(try await stores.pushedAuthorizations.consume(requestURI: pushed.requestURI, now: Fixtures.at(2)) == nil)
        },
        .init("pushed requests: expired at expiresAt") { stores in
            try await Fixtures.seed(stores)
            let pushed = request("b", expiresAt: Fixtures.at(60))
            try await stores.pushedAuthorizations.create(pushed)
            #expect(try await stores.pushedAuthorizations.consume(requestURI: pushed.requestURI, now: Fixtures.at(60)) == nil)
            let kept = request("c", expiresAt: Fixtures.at(60))
            try await stores.pushedAuthorizations.create(kept)
            #expect(try await stores.pushedAuthorizations.purgeExpired(now: Fixtures.at(59)) == 0)
            #expect(try await stores.pushedAuthorizations.purgeExpired(now: Fixtures.at(60)) == 1)
        },
    ]
}
