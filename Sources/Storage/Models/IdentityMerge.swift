import Foundation

/// An audit row: an account was folded into another person, or one identity key was moved.
///
/// `reason` is `login` when a login that brought a unionid found the openid it also brought on
/// an earlier openid-only account (that account is merged whole into the unionid's person), or
/// `manual` when an administrator moved `key` with `wechat-oidc users link`.
public struct IdentityMerge: Sendable, Equatable, Codable {
    /// The account the key (and, for `login`, every key) came from.
    public var fromUserID: String
    /// The person it now belongs to.
    public var intoUserID: String
    /// The key that named both.
    public var key: IdentityKey
    public var reason: String
    public var mergedAt: Date

    public init(fromUserID: String, intoUserID: String, key: IdentityKey, reason: String, mergedAt: Date) {
        self.fromUserID = fromUserID
        self.intoUserID = intoUserID
        self.key = key
        self.reason = reason
        self.mergedAt = mergedAt
    }
}
