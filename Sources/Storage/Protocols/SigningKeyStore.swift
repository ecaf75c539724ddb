import Foundation

/// Signing-key metadata (the private keys are files in the keys directory).
public protocol SigningKeyStore: Sendable {
    func create(_ key: SigningKeyRecord) async throws
    /// All keys, oldest first.
    func list() async throws -> [SigningKeyRecord]
    /// Makes `kid` the only `active` key (sets `activatedAt`); the key that was active becomes
    /// `previous`. Atomic. Throws `StorageError.notFound` for an unknown or retired kid.
    func activate(kid: String, now: Date) async throws
    /// Marks `kid` `retired` (sets `retiredAt`). Throws `StorageError.notFound` for an unknown
    /// kid. Retiring the active key is refused by callers, not here.
    func retire(kid: String, now: Date) async throws
    /// A number that changes whenever any key row changes, so servers can poll cheaply.
    func version() async throws -> Int
}
