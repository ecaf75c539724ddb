/// One way WeChat names a person, scoped so that different accounts never collide:
/// a `unionid` within an Open Platform account (its `gh_…` original ID), or an `openid`
/// within one appid (shared/WECHAT.md §1).
public struct IdentityKey: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        case unionID = "unionid"
        case openID = "openid"
    }

    public var kind: Kind
    /// The Open Platform original ID for `unionid`, the appid for `openid`.
    public var namespace: String
    public var subject: String

    public init(kind: Kind, namespace: String, subject: String) {
        self.kind = kind
        self.namespace = namespace
        self.subject = subject
    }

    public static func unionID(_ unionID: String, openPlatformID: String) -> IdentityKey {
        IdentityKey(kind: .unionID, namespace: openPlatformID, subject: unionID)
    }

    public static func openID(_ openID: String, appID: String) -> IdentityKey {
        IdentityKey(kind: .openID, namespace: appID, subject: openID)
    }
}
