import Storage

/// Who WeChat says signed in, ready for linking: the identity keys (unionid first, when the
/// app is bound to an Open Platform account) and fresh profile values.
struct WeChatIdentity: Sendable, Equatable {
    var keys: [IdentityKey]
    var profile: ProfileUpdate

    /// shared/WECHAT.md §7: key on unionid (scoped by the Open Platform account) first so every
    /// door finds the same person ("Keying users on openid from one app and unionid from another
    /// creates duplicate accounts"); the openid is scoped by its appid (§1: "`openid` is unique
    /// per user **per appid**").
    init(openID: String, appID: String, unionID: String?, openPlatformID: String?, profile: ProfileUpdate) {
        var keys: [IdentityKey] = []
        if let unionID, !unionID.isEmpty, let openPlatformID {
            keys.append(.unionID(unionID, openPlatformID: openPlatformID))
        }
        keys.append(.openID(openID, appID: appID))
        self.keys = keys
        self.profile = profile
    }

    init(keys: [IdentityKey], profile: ProfileUpdate) {
        self.keys = keys
        self.profile = profile
    }

    /// Whether the login named the person by unionid.
    var hasUnionID: Bool { keys.contains { $0.kind == .unionID } }
}
