import OIDC
import Storage
import Synchronization

/// The key set in force, swapped atomically when the keys change. A service polls the key
/// store's version so running servers pick up `keys rotate` without a restart.
public final class KeySetHolder: Sendable {
    private let state: Mutex<(keySet: KeySet, version: Int)>

    public init(_ keySet: KeySet, version: Int) {
        state = Mutex((keySet, version))
    }

    public var current: KeySet { state.withLock { $0.keySet } }
    var version: Int { state.withLock { $0.version } }

    func replace(_ keySet: KeySet, version: Int) {
        state.withLock { $0 = (keySet, version) }
    }

    /// Reloads when the store's version changed.
    func refreshIfChanged(manager: SigningKeyManager) async throws {
        let latest = try await manager.store.version()
        guard latest != version else { return }
        let parsed = Dictionary(current.materials.map { ($0.kid, $0) }, uniquingKeysWith: { first, _ in first })
        let keySet = try await manager.loadKeySet(cache: parsed)
        replace(keySet, version: latest)
    }
}
