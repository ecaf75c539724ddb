import Foundation

/// Signing-key metadata (the private keys are files in the keys directory).
public protocol SigningKeyStore: Sendable {
    func create(_ key: SigningKeyRecord) async throws
    /// All keys, oldest first.
    func list() async throws -> [SigningKeyRecord]
    /// Makes `kid` the only `active` key of its algorithm (sets `activatedAt`, clears
    /// `activatesAt`); the key of that algorithm that was active becomes `previous`, and every
    /// other scheduled activation of that algorithm is cancelled (`activatesAt` cleared). Keys
    /// of other algorithms are untouched. Atomic. Throws `StorageError.notFound` for an unknown
    /// or retired kid.
    func activate(kid: String, now: Date) async throws
    /// Activates `kid` exactly as `activate` does, but only if it is still `next` with an
    /// `activatesAt` at or before `now` — checked in the same transaction as the change. Returns
    /// whether this call activated it; `false` (and no change) for a key that is not due, not
    /// scheduled, already active, retired or unknown. Several servers may call it at once for
    /// the same key: exactly one gets `true`.
    func promote(kid: String, now: Date) async throws -> Bool
    /// Marks `kid` `retired` (sets `retiredAt`, cancels a scheduled activation). Throws
    /// `StorageError.notFound` for an unknown kid. Retiring the active key is refused by
    /// callers, not here.
    func retire(kid: String, now: Date) async throws
    /// A number that changes whenever any key row changes, so servers can poll cheaply.
    func version() async throws -> Int
}
