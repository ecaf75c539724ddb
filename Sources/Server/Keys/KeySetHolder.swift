import Foundation
import Logging
import OIDC
import Storage
import Synchronization

/// The key set in force, swapped atomically when the keys change.
///
/// A periodic service calls `refresh` every `keys.refresh_interval` seconds on every server:
/// it promotes a pre-published key whose activation time has come (several servers may race
/// to do so; the store lets exactly one change anything), then reloads the keys when the key
/// store's version moved — after a promotion here, on another server, or a `keys` command —
/// so running servers follow every change without a restart.
public final class KeySetHolder: Sendable {
    private struct State {
        var keySet: KeySet
        var version: Int
        /// The earliest scheduled activation among the loaded keys.
        var nextActivation: Date?
        /// Bumped on every swap; the discovery document below belongs to one generation.
        var generation: Int
        var discovery: (generation: Int, json: [UInt8])?
    }

    private let state: Mutex<State>

    public init(_ keySet: KeySet, version: Int) {
        state = Mutex(State(keySet: keySet, version: version, nextActivation: nil, generation: 0, discovery: nil))
    }

    /// A holder for keys just loaded, remembering when the next scheduled activation is due.
    public convenience init(_ loaded: SigningKeyManager.LoadedKeys, version: Int) {
        self.init(loaded.keySet, version: version)
        state.withLock { $0.nextActivation = loaded.nextActivation }
    }

    public var current: KeySet { state.withLock { $0.keySet } }
    var version: Int { state.withLock { $0.version } }
    var nextActivation: Date? { state.withLock { $0.nextActivation } }

    func replace(_ keySet: KeySet, version: Int, nextActivation: Date? = nil) {
        state.withLock {
            $0.keySet = keySet
            $0.version = version
            $0.nextActivation = nextActivation
            $0.generation += 1
            $0.discovery = nil
        }
    }

    /// The discovery document (OIDC Discovery §3) from `template`, with
    /// `id_token_signing_alg_values_supported` set to the algorithms that have an active key
    /// now (RS256 always), so it never advertises an algorithm no key signs with. Rendered once
    /// per key set; a holder serves one server's metadata.
    public func discoveryJSON(template: ProviderMetadata) throws -> [UInt8] {
        let (keySet, generation, cached) = state.withLock { ($0.keySet, $0.generation, $0.discovery) }
        if let cached, cached.generation == generation { return cached.json }
        var metadata = template
        metadata.idTokenSigningAlgValuesSupported = keySet.supportedAlgorithms.map(\.jwsName)
        metadata.userinfoSigningAlgValuesSupported = keySet.supportedAlgorithms.map(\.jwsName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let json = Array(try encoder.encode(metadata))
        state.withLock { if $0.generation == generation { $0.discovery = (generation, json) } }
        return json
    }

    /// Reloads when the store's version changed.
    func refreshIfChanged(manager: SigningKeyManager) async throws {
        try await refresh(manager: manager, logger: nil)
    }

    /// Promotes due keys, then reloads when the store's version changed. The version is read
    /// before the keys, so a change made in between is picked up by the next round.
    public func refresh(manager: SigningKeyManager, logger: Logger?) async throws {
        if let due = nextActivation, SigningKeyManager.isDue(due, now: manager.clock.now()) {
            try await manager.promoteDueKeys(logger: logger)
        }
        let latest = try await manager.store.version()
        guard latest != version else { return }
        let parsed = Dictionary(current.materials.map { ($0.kid, $0) }, uniquingKeysWith: { first, _ in first })
        let loaded = try await manager.loadKeys(cache: parsed)
        if !loaded.unreadable.isEmpty {
            logger?.warning("published signing keys without a readable private key file here are left out of the JWKS", metadata: [
                "kids": "\(loaded.unreadable.joined(separator: ","))", "directory": "\(manager.directory)",
            ])
        }
        replace(loaded.keySet, version: latest, nextActivation: loaded.nextActivation)
        logger?.info("signing keys reloaded", metadata: [
            "version": "\(latest)", "signing": "\(loaded.keySet.supportedAlgorithms.compactMap { loaded.keySet.activeKey(for: $0).map { "\($0.algorithm):\($0.kid)" } }.joined(separator: ","))",
        ])
    }
}
