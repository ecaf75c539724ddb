import Foundation

/// People and the WeChat identities that name them.
public protocol UserStore: Sendable {
    /// Finds the user named by any of `identities` (the first key that is known wins, in the
    /// order given: pass the unionid key before the openid key), links every key not yet
    /// linked to that user, applies `profile`, and returns the user. When none is known,
    /// creates a user with id `newUserID` and links all keys. Atomic.
    /// A key already linked to a different user stays with that user, except when `identities`
    /// carries a unionid: then an account named by one of its other keys that has no unionid of
    /// its own (an openid-only account) is merged into the unionid's user — its keys move, it is
    /// no longer found, and an `IdentityMerge` with reason `login` is recorded. The returned
    /// user's id never changes.
    /// `updatedAt` becomes `now` only when a profile value actually changed. Throws
    /// `StorageError.conflict` when a user must be created and `newUserID` is taken, and
    /// `StorageError.backend` when `identities` is empty.
    func findOrCreate(
        identities: [IdentityKey], profile: ProfileUpdate, newUserID: String, now: Date
    ) async throws -> UserRecord
    func find(id: String) async throws -> UserRecord?
    /// The user the first known key of `identities` names (in the order given), without
    /// linking or changing anything; `nil` when none is known.
    func user(identifiedBy identities: [IdentityKey]) async throws -> UserRecord?
    func identities(ofUser userID: String) async throws -> [IdentityKey]
    /// The merges and relinks a user took part in (from or into), oldest first.
    func merges(involving userID: String) async throws -> [IdentityMerge]
    /// Links `key` to `userID` (an administrator's repair). A key owned by another user moves,
    /// with an `IdentityMerge` of reason `manual`; an account left without any key is marked
    /// merged into `userID`. Returns the previous owner (`nil` when the key was new or already
    /// `userID`'s). Throws `StorageError.notFound` when `userID` names no (unmerged) user.
    func link(_ key: IdentityKey, toUser userID: String, now: Date) async throws -> String?
}
