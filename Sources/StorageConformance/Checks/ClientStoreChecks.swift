import Foundation
import Storage
import Testing

enum ClientStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("clients: create then find returns the same record") { stores in
            let client = Fixtures.client()
            try await stores.clients.create(client)
            #expect(try await stores.clients.find(id: "client-1") == client)
            #expect(try await stores.clients.find(id: "client-2") == nil)
        },
        .init("clients: a public client keeps a nil secret hash") { stores in
            var client = Fixtures.client("spa")
            client.secretHash = nil
            client.authMethod = .none
            try await stores.clients.create(client)
            let found = try #require(try await stores.clients.find(id: "spa"))
            #expect(found == client)
            #expect(found.isPublic)
        },
        .init("clients: creating an existing id is a conflict and changes nothing") { stores in
            let original = Fixtures.client()
            try await stores.clients.create(original)
            var second = Fixtures.client()
            second.name = "Impostor"
            let error = await Fixtures.storageError { try await stores.clients.create(second) }
            #expect(error?.isConflict == true)
            #expect(try await stores.clients.find(id: "client-1") == original)
        },
        .init("clients: list is oldest first") { stores in
            try await stores.clients.create(Fixtures.client("b", createdAt: Fixtures.at(20)))
            try await stores.clients.create(Fixtures.client("c", createdAt: Fixtures.at(10)))
            try await stores.clients.create(Fixtures.client("a", createdAt: Fixtures.at(30)))
            #expect(try await stores.clients.list().map(\.id) == ["c", "b", "a"])
        },
        .init("clients: update replaces the mutable fields; unknown id returns false") { stores in
            try await stores.clients.create(Fixtures.client())
            var changed = Fixtures.client()
            changed.name = "Renamed"
            changed.secretHash = Fixtures.hash("rotated")
            changed.redirectURIs = ["https://new.example/cb"]
            changed.authMethod = .clientSecretPost
            changed.updatedAt = Fixtures.at(100)
            #expect(try await stores.clients.update(changed) == true)
            #expect(try await stores.clients.find(id: "client-1") == changed)

            #expect(try await stores.clients.update(Fixtures.client("ghost")) == false)
            #expect(try await stores.clients.find(id: "ghost") == nil)
        },
        .init("clients: delete removes once") { stores in
            try await stores.clients.create(Fixtures.client())
            #expect(try await stores.clients.delete(id: "client-1") == true)
            #expect(try await stores.clients.find(id: "client-1") == nil)
            #expect(try await stores.clients.delete(id: "client-1") == false)
            #expect(try await stores.clients.list().isEmpty)
        },
        .init("clients: every update moves the version forward, even within the same millisecond") { stores in
            try await stores.clients.create(Fixtures.client())
            let created = try #require(try await stores.clients.find(id: "client-1"))
            var changed = created
            changed.secretHash = Fixtures.hash("rotated")
            // The same updatedAt as stored: the version still moves.
            #expect(try await stores.clients.update(changed) == true)
            let first = try #require(try await stores.clients.find(id: "client-1"))
            #expect(first.version == created.version + 1)
            #expect(first.secretHash == Fixtures.hash("rotated"))
            // An earlier clock: forward again by one millisecond.
            changed.updatedAt = Fixtures.at(-50)
            #expect(try await stores.clients.update(changed) == true)
            #expect(try await stores.clients.find(id: "client-1")?.version == first.version + 1)
            // A later clock is taken as is.
            changed.updatedAt = Fixtures.at(100)
            #expect(try await stores.clients.update(changed) == true)
            #expect(try await stores.clients.find(id: "client-1")?.version == Fixtures.client(createdAt: Fixtures.at(100)).version)
        },
    ]
}
