import Storage

/// Who WeChat says signed in, ready for linking: the identity keys (unionid first, when the
/// app is bound to an Open Platform account) and fresh profile values.
struct WeChatIdentity: Sendable, Equatable {
    var keys: [IdentityKey]
    var profile: ProfileUpdate
}
