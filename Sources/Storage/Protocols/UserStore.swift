import Foundation

/// People and the WeChat identities that name them.
public protocol UserStore: Sendable {
    /// Finds the user named by any of `identities` (the first key that is known wins, in the
    /// order given: pass the unionid key before the openid key), links every key not yet
    /// linked to that user, applies `profile`, and returns the user. When none is known,
    /// creates a user with id `newUserID` and links all keys. Atomic.
    func findOrCreate(
        identities: [IdentityKey], profile: ProfileUpdate, newUserID: String, now: Date
    ) async throws -> UserRecord
    func find(id: String) async throws -> UserRecord?
    func identities(ofUser userID: String) async throws -> [IdentityKey]
}
