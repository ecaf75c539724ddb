import OIDC
import Synchronization

/// The clients the token endpoint authenticated lately, with the stored version each was read
/// at (`ClientRecord.version`).
///
/// Authentication of an `authorization_code` request may use a remembered client, but only
/// provisionally: the statement that redeems the code also reads the client's current version
/// (`CodeStore.redeem(codeHash:now:versionOfClient:issuing:)`), and unless it is the remembered one
/// the request is authenticated again from the database before anything is issued. A secret
/// rotated or a client deleted by the CLI, a DCR update or another replica is therefore refused
/// by the very next request, as without this cache; what it saves is one database round trip per
/// exchange. Credentials that do not match the remembered client are always checked against the
/// database (a new secret works at once).
///
/// Bounded: at most `capacity` clients are kept; when full it starts over.
final class VerifiedClientCache: Sendable {
    struct Entry: Sendable {
        let client: ClientDescription
        let version: Int64
    }

    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 4_096) {
        self.capacity = capacity
    }

    func entry(clientID: String) -> Entry? {
        entries.withLock { $0[clientID] }
    }

    func remember(_ entry: Entry) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[entry.client.id] == nil { entries.removeAll(keepingCapacity: true) }
            entries[entry.client.id] = entry
        }
    }

    func forget(clientID: String) {
        _ = entries.withLock { $0.removeValue(forKey: clientID) }
    }
}
