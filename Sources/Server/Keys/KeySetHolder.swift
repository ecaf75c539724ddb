import Logging
import OIDC
import ServiceLifecycle
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
        let current = self.current
        let cache = [current.active.kid: current.active]
        let keySet = try await manager.loadKeySet(cache: cache)
        replace(keySet, version: latest)
    }
}

/// Polls the key store every `interval` seconds.
struct KeyRefreshService: Service {
    let holder: KeySetHolder
    let manager: SigningKeyManager
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // A graceful shutdown ends the wait at once (no minute-long exit).
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                try await holder.refreshIfChanged(manager: manager)
            } catch {
                logger.error("could not refresh signing keys", metadata: ["error": "\(error)"])
            }
        }
    }
}
