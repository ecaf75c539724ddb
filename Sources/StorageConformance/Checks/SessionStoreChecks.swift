import Foundation
import Storage
import Testing

enum SessionStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("sessions: find by cookie hash until expiresAt") { stores in
            try await Fixtures.seed(stores)
            let session = Fixtures.session("s1", expiresAt: Fixtures.at(100))
            try await stores.sessions.create(session)
            #expect(try await stores.sessions.find(cookieHash: session.cookieHash, now: Fixtures.at(99)) == session)
            #expect(try await stores.sessions.find(cookieHash: session.cookieHash, now: Fixtures.at(100)) == nil)
            #expect(try await stores.sessions.find(cookieHash: Fixtures.hash("other"), now: Fixtures.t0) == nil)
        },
        .init("sessions: duplicate id or cookie hash is a conflict") { stores in
            try await Fixtures.seed(stores)
            try await stores.sessions.create(Fixtures.session("s1"))
            var sameCookie = Fixtures.session("s2")
            sameCookie.cookieHash = Fixtures.hash("cookie-s1")
            let cookieError = await Fixtures.storageError { try await stores.sessions.create(sameCookie) }
            #expect(cookieError?.isConflict == true)
            let idError = await Fixtures.storageError { try await stores.sessions.create(Fixtures.session("s1")) }
            #expect(idError?.isConflict == true)
        },
        .init("sessions: delete removes once") { stores in
            try await Fixtures.seed(stores)
            let session = Fixtures.session("s1")
            try await stores.sessions.create(session)
            #expect(try await stores.sessions.delete(id: "s1") == true)
            #expect(try await stores.sessions.find(cookieHash: session.cookieHash, now: Fixtures.t0) == nil)
            #expect(try await stores.sessions.delete(id: "s1") == false)
        },
        .init("sessions: find by id until expiresAt") { stores in
            try await Fixtures.seed(stores)
            let session = Fixtures.session("s1", expiresAt: Fixtures.at(100))
            try await stores.sessions.create(session)
            #expect(try await stores.sessions.find(id: "s1", now: Fixtures.at(99)) == session)
            #expect(try await stores.sessions.find(id: "s1", now: Fixtures.at(100)) == nil)
            #expect(try await stores.sessions.find(id: "s2", now: Fixtures.t0) == nil)
        },
        .init("sessions: clients are recorded once each and go with the session") { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.seed(stores, client: "client-0")
            try await stores.sessions.create(Fixtures.session("s1"))
            try await stores.sessions.addClient(sessionID: "s1", clientID: "client-1")
            try await stores.sessions.addClient(sessionID: "s1", clientID: "client-0")
            try await stores.sessions.addClient(sessionID: "s1", clientID: "client-1")
            // An unknown session is ignored, not an error.
            try await stores.sessions.addClient(sessionID: "gone", clientID: "client-1")
            #expect(try await stores.sessions.clientIDs(sessionID: "s1") == ["client-0", "client-1"])
            #expect(try await stores.sessions.clientIDs(sessionID: "gone") == [])
            #expect(try await stores.sessions.delete(id: "s1"))
            #expect(try await stores.sessions.clientIDs(sessionID: "s1") == [])
        },
        .init("sessions: purge removes sessions expired at now") { stores in
            try await Fixtures.seed(stores)
            try await stores.sessions.create(Fixtures.session("old", expiresAt: Fixtures.at(10)))
            try await stores.sessions.create(Fixtures.session("live", expiresAt: Fixtures.at(11)))
            #expect(try await stores.sessions.purgeExpired(now: Fixtures.at(10)) == 1)
            #expect(try await stores.sessions.find(cookieHash: Fixtures.hash("cookie-live"), now: Fixtures.at(10))?.id == "live")
        },
    ]
}
