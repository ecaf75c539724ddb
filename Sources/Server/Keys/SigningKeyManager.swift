import Foundation
import Logging
import OIDC
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// Creates, rotates, activates, retires and loads signing keys. Private keys are PEM files in
/// the keys directory, created with mode 0600 (the directory 0700) and never overwritten; their
/// metadata (algorithm, state, dates) is in the database so every replica and the CLI agree on
/// which key signs.
///
/// The life of a key (states of `SigningKeyRecord`):
///
/// ```
/// rotate ──▶ next ──(activatesAt reached: a server promotes it)──▶ active ──(next rotation)──▶ previous ──(keys retire)──▶ retired
///            (published,        or `keys activate`, `rotate --now`    (signs; one         (published, no longer   (gone from
///             not signing)                                              per algorithm)      signs)                  the JWKS)
/// ```
///
/// Pre-publication (OIDC Core §10.1.1: "the JWK Set at the jwks_uri SHOULD retain recently
/// decommissioned signing keys for a reasonable period of time"; RPs cache the JWKS, RFC 7517
/// §5): a rotated key is in the JWKS for `prepublication` seconds before its first signature,
/// so relying parties that cached the JWKS before the rotation hold it when they need it; the
/// old key stays published after it stops signing until `keys retire`.
public struct SigningKeyManager: Sendable {
    /// The default pre-publication delay (`keys.prepublication`): one hour, longer than the
    /// JWKS cache time of common RP libraries and the five minutes of our `Cache-Control`.
    public static let defaultPrepublication: TimeInterval = 3600

    public let store: any SigningKeyStore
    public let directory: String
    public let clock: any ProviderClock

    public init(store: any SigningKeyStore, directory: String, clock: any ProviderClock = SystemProviderClock()) {
        self.store = store
        self.directory = directory
        self.clock = clock
    }

    /// When a rotated key starts signing.
    public enum Activation: Sendable, Equatable {
        /// At once: for emergencies (a compromised key). Relying parties whose cached JWKS
        /// lacks the new key fail to verify its tokens until they fetch the JWKS again.
        case immediately
        /// Published now, signing after this many seconds (the pre-publication delay).
        case after(TimeInterval)
    }

    /// Generates a new RSA-2048 RS256 key; `activate` makes it the signing key at once.
    @discardableResult
    public func generate(activate: Bool) async throws -> SigningKeyRecord {
        try await generate(algorithm: .rs256, activate: activate)
    }

    /// Generates a key for `algorithm` (kid = RFC 7638 thumbprint, PEM file mode 0600) and
    /// records it as `next` — published, not signing — scheduled to activate at `activatesAt`
    /// if given; `activate` makes it the signing key of its algorithm at once instead.
    @discardableResult
    public func generate(algorithm: SigningAlgorithm, activate: Bool = false, activatesAt: Date? = nil) async throws -> SigningKeyRecord {
        let (kid, pem) = try await BlockingWork.run { try SigningKeyMaterial.generate(algorithm) }
        let fileName = "\(kid).pem"
        try Self.writePrivateFile(directory: directory, name: fileName, contents: pem)
        let now = clock.now()
        let record = SigningKeyRecord(
            kid: kid, algorithm: algorithm.jwsName, state: .next, fileName: fileName, createdAt: now,
            activatesAt: activate ? nil : activatesAt
        )
        try await store.create(record)
        if activate { try await store.activate(kid: kid, now: now) }
        return try await store.list().first { $0.kid == kid } ?? record
    }

    /// Makes sure an RS256 key signs (on first start, generates it) and promotes keys whose
    /// activation time has passed while no server ran.
    ///
    /// Replicas starting together on a new database race here: each may generate a key, but the
    /// key is recorded as `active` in one insert that the store's one-active-key-per-algorithm
    /// rule lets only one of them win. A loser deletes its key file and uses the winner's key,
    /// so the first start publishes exactly one key however many servers start at once.
    public func ensureActiveKey(logger: Logger) async throws {
        _ = try await promoteDueKeys(logger: logger)
        let algorithm = SigningAlgorithm.default
        if try await store.list().contains(where: { $0.state == .active && $0.algorithm == algorithm.jwsName }) { return }
        let (kid, pem) = try await BlockingWork.run { try SigningKeyMaterial.generate(algorithm) }
        let fileName = "\(kid).pem"
        try Self.writePrivateFile(directory: directory, name: fileName, contents: pem)
        let now = clock.now()
        do {
            try await store.create(SigningKeyRecord(
                kid: kid, algorithm: algorithm.jwsName, state: .active, fileName: fileName, createdAt: now, activatedAt: now
            ))
        } catch let error as StorageError where error.isConflict {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(fileName))
            guard try await store.list().contains(where: { $0.state == .active && $0.algorithm == algorithm.jwsName }) else { throw error }
            logger.info("another server generated the first signing key at the same time; using it")
            return
        }
        logger.notice("generated a new signing key", metadata: ["kid": "\(kid)", "alg": "\(algorithm.jwsName)", "directory": "\(directory)"])
    }

    /// A new RS256 key that signs from now on; the old one stays published until retired.
    /// (Emergency rotation; `rotate(algorithm:activation:)` pre-publishes.)
    public func rotate() async throws -> SigningKeyRecord {
        try await rotate(algorithm: .rs256, activation: .immediately)
    }

    /// Replaces the signing key of `algorithm` with a new one. With `.after(delay)` the new key
    /// is published at once and a running server promotes it once `delay` has passed; the key
    /// it replaces becomes `previous` then and stays published until `retire`.
    ///
    /// - Throws: `SigningKeyManager.Refusal` when no key of `algorithm` signs yet (use
    ///   `generate`), or when a rotation of it is already scheduled (activate or retire that key
    ///   first) — unless `.immediately`, which overrides a scheduled rotation.
    public func rotate(algorithm: SigningAlgorithm, activation: Activation) async throws -> SigningKeyRecord {
        let keys = try await store.list().filter { $0.algorithm == algorithm.jwsName }
        guard keys.contains(where: { $0.state == .active }) else {
            throw Refusal("no \(algorithm.jwsName) key signs yet, so there is nothing to rotate: `keys generate --alg \(algorithm.jwsName)` creates the first one")
        }
        switch activation {
        case .immediately:
            return try await generate(algorithm: algorithm, activate: true)
        case .after(let delay):
            if let pending = keys.first(where: { $0.state == .next && $0.activatesAt != nil }), let at = pending.activatesAt {
                throw Refusal(
                    "a rotation of \(algorithm.jwsName) is already scheduled: \(pending.kid) activates at \(Self.timestamp(at)). "
                        + "Activate it now with `keys activate \(pending.kid)`, or cancel it with `keys retire \(pending.kid)`."
                )
            }
            return try await generate(algorithm: algorithm, activatesAt: clock.now().addingTimeInterval(max(0, delay)))
        }
    }

    /// Makes `kid` the signing key of its algorithm now (a `next` key early, or a `previous`
    /// key back). The key that signed becomes `previous`; scheduled activations of the algorithm
    /// are cancelled. Checks first that the private key file loads here.
    @discardableResult
    public func activate(kid: String) async throws -> SigningKeyRecord {
        guard let key = try await store.list().first(where: { $0.kid == kid }) else {
            throw Refusal("there is no key \(kid) (`keys list` shows them)")
        }
        guard key.state != .retired else {
            throw Refusal("\(kid) is retired: it is no longer published, so relying parties could not verify its signatures")
        }
        _ = try loadMaterial(key)
        try await store.activate(kid: kid, now: clock.now())
        return try await store.list().first { $0.kid == kid } ?? key
    }

    /// Retires a key: it leaves the JWKS. The active key of an algorithm cannot be retired.
    public func retire(kid: String) async throws {
        guard let key = try await store.list().first(where: { $0.kid == kid }) else {
            throw Refusal("there is no key \(kid) (`keys list` shows them)")
        }
        guard key.state != .active else {
            throw Refusal(
                "\(kid) is the active \(key.algorithm) key: every new \(key.algorithm) token is signed with it, and relying "
                    + "parties could not verify them without it in the JWKS. Rotate first (`keys rotate --alg \(key.algorithm)`); "
                    + "retire it once the new key is active and the ID tokens it signed have expired."
            )
        }
        try await store.retire(kid: kid, now: clock.now())
    }

    /// Promotes the keys whose scheduled activation has come: per algorithm, the due `next`
    /// key scheduled last (its activation cancels the other schedules of that algorithm).
    /// Safe to run from every server at once: the store checks and activates in one
    /// transaction, so exactly one promoter changes anything and the others find it done.
    /// Returns the keys this call activated.
    @discardableResult
    public func promoteDueKeys(logger: Logger? = nil) async throws -> [SigningKeyRecord] {
        let now = clock.now()
        let due = try await store.list().filter { key in
            key.state == .next && key.activatesAt.map { Self.isDue($0, now: now) } == true
        }
        var promoted: [SigningKeyRecord] = []
        for algorithm in Set(due.map(\.algorithm)).sorted() {
            let candidates = due.filter { $0.algorithm == algorithm }
            guard let chosen = candidates.max(by: { ($0.activatesAt ?? now, $0.createdAt) < ($1.activatesAt ?? now, $1.createdAt) }) else { continue }
            guard (try? loadMaterial(chosen)) != nil else {
                // Another replica may have the file; do not promote a key this one cannot load.
                logger?.error("a signing key is due but its private key file does not load here; not promoting it", metadata: [
                    "kid": "\(chosen.kid)", "directory": "\(directory)",
                ])
                continue
            }
            if try await store.promote(kid: chosen.kid, now: now) {
                promoted.append(chosen)
                logger?.notice("signing key activated after its pre-publication", metadata: ["kid": "\(chosen.kid)", "alg": "\(algorithm)"])
            }
        }
        return promoted
    }

    /// Whether a key scheduled at `activatesAt` is due at `now`, at the millisecond precision
    /// with which the store keeps times (and compares them in `promote`).
    static func isDue(_ activatesAt: Date, now: Date) -> Bool {
        (activatesAt.timeIntervalSince1970 * 1000).rounded() <= (now.timeIntervalSince1970 * 1000).rounded()
    }

    /// A moment as `2025-06-15T16:00:00Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Writes a new file readable by its owner only; refuses to overwrite.
    static func writePrivateFile(directory: String, name: String, contents: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = (directory as NSString).appendingPathComponent(name)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw StorageError.backend("cannot create \(path): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw StorageError.backend("short write to \(path)") }
        _ = fchmod(fd, 0o600)
    }
}

extension SigningKeyManager {
    /// Why a key operation was refused, in words an operator can act on.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let description: String

        init(_ description: String) {
            self.description = description
        }
    }
}
