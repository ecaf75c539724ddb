import Foundation
import WeChat

/// Every setting of the provider, validated. Each has a config-file key and an environment
/// variable (see `SettingsLoader`); `dev` fills in values that work on one machine.
public struct ProviderSettings: Sendable {
    /// OIDC Discovery §4.3: the issuer is an https URL with no query or fragment (http is
    /// accepted for loopback development only). Stored without a trailing slash.
    public var issuer: String
    public var httpHost: String
    public var httpPort: Int
    /// A SQLite file path, `sqlite://PATH` or `postgres://USER:PASSWORD@HOST:PORT/DATABASE?OPTIONS`.
    public var databaseURL: String
    public var keysDirectory: String
    public var wechatEndpoints: WeChatEndpoints
    /// The website app (网站应用) used for PC QR login (WECHAT.md §2); `nil` when that door is closed.
    public var website: WeChatAppCredentials?
    /// The Official Account for login inside the WeChat browser (WECHAT.md §3); `nil` when closed.
    public var officialAccount: OfficialAccountCredentials? = nil
    /// The mobile app (移动应用) whose OpenSDK codes `/token` exchanges (WECHAT.md §6); `nil` when closed.
    public var mobile: WeChatAppCredentials? = nil
    /// The mini program (小程序) whose `wx.login()` codes `/token` exchanges (WECHAT.md §6); `nil` when closed.
    public var miniProgram: WeChatAppCredentials? = nil
    /// The Open Platform account's original ID (`gh_…`) that scopes unionids; every configured
    /// app is bound to this one account (WECHAT.md §1: "`unionid` is the same person across every
    /// app bound to one Open Platform account").
    public var openPlatformID: String?
    /// `true`: a WeChat login that brings no unionid may only sign in a person already known by
    /// that openid; it never creates an openid-only account. `false`: openid-only accounts are
    /// allowed and merge into the person once a unionid names them.
    public var requireUnionID: Bool = false
    public var codeLifetime: Int
    public var accessTokenLifetime: Int
    public var idTokenLifetime: Int
    /// How long a user has to finish the WeChat leg.
    public var pendingAuthorizationLifetime: Int
    /// Largest request body accepted (413 beyond).
    public var maxBodySize: Int
    /// How often running servers look for key changes, in seconds.
    public var keyRefreshInterval: Int
    /// The initial access token (RFC 7591 §3) that guards `POST /register`; `nil` for none.
    public var registrationInitialAccessToken: String? = nil
    /// Whether clients may register without an initial access token (open registration).
    public var registrationOpen: Bool = false
    /// How long a browser SSO session lasts after the WeChat login, in seconds.
    public var sessionLifetime: Int = 7 * 86_400
    /// Absolute lifetime of a refresh token family (no rotation outlives it), in seconds.
    public var refreshTokenLifetime: Int = 30 * 86_400
    /// A refresh token not used for this long expires (each rotation restarts it), in seconds.
    public var refreshTokenIdleLifetime: Int = 14 * 86_400
    /// Whether Request Objects are accepted by value (`request`) and by reference (`request_uri`),
    /// OIDC Core §6; when off, discovery says so and requests get `request_not_supported` /
    /// `request_uri_not_supported`.
    public var requestObjectByValue: Bool = true
    public var requestObjectByReference: Bool = true
    /// How long a pushed authorization request's `request_uri` is valid (RFC 9126 §2.2), in seconds.
    public var parLifetime: Int = 60
    /// Whether every client must use pushed authorization requests (RFC 9126 §5
    /// `require_pushed_authorization_requests`); a client can also be required alone.
    public var parRequired: Bool = false
    /// Logs, metrics, rate limits, proxies and TLS.
    public var operations = OperationsSettings()
    /// A full-page redirect to WeChat, or our own login page with WeChat's QR embedded.
    public var loginPage = LoginPageMode.redirect

    public init(
        issuer: String, httpHost: String = "127.0.0.1", httpPort: Int = 8080,
        databaseURL: String = "data/wechat-oidc.sqlite", keysDirectory: String = "keys",
        wechatEndpoints: WeChatEndpoints, website: WeChatAppCredentials?, openPlatformID: String?,
        codeLifetime: Int = 60, accessTokenLifetime: Int = 3600, idTokenLifetime: Int = 3600,
        pendingAuthorizationLifetime: Int = 600, maxBodySize: Int = 64 * 1024, keyRefreshInterval: Int = 10
    ) {
        self.issuer = issuer
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.databaseURL = databaseURL
        self.keysDirectory = keysDirectory
        self.wechatEndpoints = wechatEndpoints
        self.website = website
        self.openPlatformID = openPlatformID
        self.codeLifetime = codeLifetime
        self.accessTokenLifetime = accessTokenLifetime
        self.idTokenLifetime = idTokenLifetime
        self.pendingAuthorizationLifetime = pendingAuthorizationLifetime
        self.maxBodySize = maxBodySize
        self.keyRefreshInterval = keyRefreshInterval
    }

    /// The credentials of every configured door.
    public var configuredApps: [WeChatAppCredentials] {
        [website, officialAccount?.app, mobile, miniProgram].compactMap { $0 }
    }

    /// Cookies get `Secure` whenever the issuer is https.
    public var usesHTTPS: Bool { issuer.hasPrefix("https://") }

    /// Dynamic Client Registration is routed and advertised when it is open or guarded by an
    /// initial access token.
    public var registrationEnabled: Bool { registrationOpen || registrationInitialAccessToken != nil }
}
