import OIDC
import Synchronization

/// Registered clients kept in memory for at most `lifetime`, so the token endpoint does not read
/// the database for the client on every exchange.
///
/// Clients are edited by the CLI in another process (or by another replica), so nothing can
/// invalidate this cache directly: an entry is used only while it is younger than `lifetime`
/// (1 s by default), counted from *before* the read that produced it. Hence a change committed
/// at time T — a rotated secret, new redirect URIs, a deleted client — is seen by every request
/// that starts after T + `lifetime`. Unknown ids are never cached (a new client is usable at
/// once, and guessing ids cannot fill the cache); at most `capacity` clients are kept.
///
/// A deleted client loses its authorization codes with it (`ON DELETE CASCADE`), so even within
/// the bound a stale entry cannot redeem a code.
final class ClientCache: Sendable {
    static let defaultLifetime: Duration = .seconds(1)
    static let defaultCapacity = 10_000

    private struct Entry {
        let client: ClientDescription
        let loadedAt: ContinuousClock.Instant
    }

    let lifetime: Duration
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    init(
        lifetime: Duration = ClientCache.defaultLifetime, capacity: Int = ClientCache.defaultCapacity,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
        self.now = now
    }

    /// The client from the cache when fresh enough, else from `load` (whose answer is cached).
    func client(
        id: String, load: (String) async throws -> ClientDescription?
    ) async throws -> ClientDescription? {
        let start = now()
        if let entry = entries.withLock({ $0[id] }), start - entry.loadedAt < lifetime {
            return entry.client
        }
        let loaded = try await load(id)
        entries.withLock { entries in
            guard let loaded else {
                // Gone (or never there): forget it, unless a newer read already replaced it.
                if let existing = entries[id], existing.loadedAt <= start { entries[id] = nil }
                return
            }
            if let existing = entries[id], existing.loadedAt > start { return }
            if entries[id] == nil, entries.count >= capacity {
                let cutoff = start - lifetime
                entries = entries.filter { $0.value.loadedAt > cutoff }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[id] = Entry(client: loaded, loadedAt: start)
        }
        return loaded
    }

    /// Drops the entry for `id`: this process changed or deleted the client (RFC 7592 update or
    /// delete), so its own requests must see the change at once.
    func remove(id: String) {
        entries.withLock { $0[id] = nil }
    }

    /// Drops every entry (the next request for each client reads the database).
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    var count: Int { entries.withLock { $0.count } }
}
