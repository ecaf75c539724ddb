import Foundation
import Logging
import OIDC
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// Creates, rotates and loads signing keys. Private keys are PEM files in the keys directory,
/// created with mode 0600 (the directory 0700) and never overwritten; their metadata (state,
/// dates) is in the database so every replica and the CLI agree on which key signs.
public struct SigningKeyManager: Sendable {
    public let store: any SigningKeyStore
    public let directory: String
    public let clock: any ProviderClock

    public init(store: any SigningKeyStore, directory: String, clock: any ProviderClock = SystemProviderClock()) {
        self.store = store
        self.directory = directory
        self.clock = clock
    }

    /// Generates a new RSA-2048 key; `activate` makes it the signing key at once.
    @discardableResult
    public func generate(activate: Bool) async throws -> SigningKeyRecord {
        let (kid, pem) = try SigningKeyMaterial.generateRSA()
        let fileName = "\(kid).pem"
        try Self.writePrivateFile(directory: directory, name: fileName, contents: pem)
        let now = clock.now()
        let record = SigningKeyRecord(kid: kid, algorithm: "RS256", state: .next, fileName: fileName, createdAt: now)
        try await store.create(record)
        if activate { try await store.activate(kid: kid, now: now) }
        return try await store.list().first { $0.kid == kid } ?? record
    }

    /// Makes sure one key signs: on first start, generates it.
    public func ensureActiveKey(logger: Logger) async throws {
        if try await store.list().contains(where: { $0.state == .active }) { return }
        let record = try await generate(activate: true)
        logger.notice("generated a new signing key", metadata: ["kid": "\(record.kid)", "directory": "\(directory)"])
    }

    /// A new key that signs from now on; the old one stays published until retired.
    public func rotate() async throws -> SigningKeyRecord {
        try await generate(activate: true)
    }

    /// Retires a key (no longer published). The active key cannot be retired.
    public func retire(kid: String) async throws {
        guard let key = try await store.list().first(where: { $0.kid == kid }) else {
            throw StorageError.notFound("no key \(kid)")
        }
        guard key.state != .active else {
            throw StorageError.conflict("the active key cannot be retired; rotate first")
        }
        try await store.retire(kid: kid, now: clock.now())
    }

    /// Loads the published keys into a `KeySet`, reusing already-parsed keys from `cache`.
    public func loadKeySet(cache: [String: SigningKeyMaterial] = [:]) async throws -> KeySet {
        let records = try await store.list().filter { $0.state.isPublished }
        guard let activeRecord = records.last(where: { $0.state == .active }) else {
            throw StorageError.notFound("no active signing key")
        }
        var materials: [SigningKeyMaterial] = []
        var active: SigningKeyMaterial?
        for record in records {
            let material: SigningKeyMaterial
            if let cached = cache[record.kid] {
                material = cached
            } else {
                let path = (directory as NSString).appendingPathComponent(record.fileName)
                guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
                    if record.kid == activeRecord.kid { throw StorageError.notFound("signing key file \(path) is missing") }
                    continue
                }
                material = try SigningKeyMaterial(kid: record.kid, pem: pem)
            }
            if record.kid == activeRecord.kid { active = material }
            materials.append(material)
        }
        guard let active else { throw StorageError.notFound("no active signing key") }
        return try KeySet(active: active, alsoPublished: materials)
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
