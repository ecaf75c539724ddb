import Foundation

/// Every store the provider needs, opened from one database URL.
public struct Stores: Sendable {
    public var clients: any ClientStore
    public var authorizations: any AuthorizationStore
    public var codes: any CodeStore
    public var tokens: any TokenStore
    public var users: any UserStore
    public var sessions: any SessionStore
    public var refreshTokens: any RefreshTokenStore
    public var pushedAuthorizations: any PushedAuthorizationStore
    public var replayCache: any ReplayCacheStore
    public var signingKeys: any SigningKeyStore
    /// The Official Account's global access_token (WECHAT.md §5.1).
    public var globalTokens: any GlobalTokenStore
    /// One-time follow-to-log-in QR scenes (WECHAT.md §5).
    public var followScenes: any FollowSceneStore
    /// Removes every expired row from every store; returns how many in all.
    public var purgeExpired: @Sendable (Date) async throws -> Int
    /// Closes the underlying connections. Idempotent; store calls afterwards throw
    /// `StorageError.backend`. Call it before the `Stores` are released.
    public var shutdown: @Sendable () async throws -> Void

    public init(
        clients: any ClientStore, authorizations: any AuthorizationStore, codes: any CodeStore,
        tokens: any TokenStore, users: any UserStore, sessions: any SessionStore,
        refreshTokens: any RefreshTokenStore, pushedAuthorizations: any PushedAuthorizationStore,
        replayCache: any ReplayCacheStore, signingKeys: any SigningKeyStore,
        globalTokens: any GlobalTokenStore, followScenes: any FollowSceneStore,
        purgeExpired: @escaping @Sendable (Date) async throws -> Int,
        shutdown: @escaping @Sendable () async throws -> Void
    ) {
        self.clients = clients
        self.authorizations = authorizations
        self.codes = codes
        self.tokens = tokens
        self.users = users
        self.sessions = sessions
        self.refreshTokens = refreshTokens
        self.pushedAuthorizations = pushedAuthorizations
        self.replayCache = replayCache
        self.signingKeys = signingKeys
        self.globalTokens = globalTokens
        self.followScenes = followScenes
        self.purgeExpired = purgeExpired
        self.shutdown = shutdown
    }
}
