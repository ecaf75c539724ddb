/// The names of the settings. A config-file key `a.b` maps to the environment variable
/// `WECHAT_OIDC_A_B`.
public enum SettingsKey {
    public static let issuer = "issuer"
    public static let httpHost = "http.host"
    public static let httpPort = "http.port"
    public static let databaseURL = "database.url"
    public static let keysDirectory = "keys.dir"
    public static let wechatOpenBaseURL = "wechat.open_base_url"
    public static let wechatAPIBaseURL = "wechat.api_base_url"
    public static let websiteAppID = "website.appid"
    public static let websiteSecret = "website.secret"
    public static let openPlatformID = "open_platform_id"
    public static let codeLifetime = "tokens.code_lifetime"
    public static let accessTokenLifetime = "tokens.access_token_lifetime"
    public static let idTokenLifetime = "tokens.id_token_lifetime"
    public static let pendingAuthorizationLifetime = "tokens.login_lifetime"
    public static let maxBodySize = "http.max_body_size"
    public static let keyRefreshInterval = "keys.refresh_interval"
    /// RFC 7591 §3 initial access token for `POST /register`; also read from
    /// `registrationTokenVariable`.
    public static let registrationInitialAccessToken = "registration.initial_access_token"
    /// `true` lets anyone register a client without an initial access token.
    public static let registrationOpen = "registration.open"
    /// The short environment variable for `registrationInitialAccessToken`.
    public static let registrationTokenVariable = "WECHAT_OIDC_REGISTRATION_TOKEN"
    public static let sessionLifetime = "session.lifetime"
    public static let refreshTokenLifetime = "tokens.refresh_token_lifetime"
    public static let refreshTokenIdleLifetime = "tokens.refresh_token_idle_lifetime"
    /// `false` turns off Request Objects by value (`request`, OIDC Core §6.1).
    public static let requestObjectByValue = "request_object.by_value"
    /// `false` turns off Request Objects by reference (`request_uri`, OIDC Core §6.2; pushed
    /// requests are not affected).
    public static let requestObjectByReference = "request_object.by_reference"
    /// RFC 9126 §2.2 `expires_in` of a pushed authorization request, in seconds (10...600).
    public static let parLifetime = "par.lifetime"
    /// `true` makes every client push its authorization requests (RFC 9126 §5).
    public static let parRequired = "par.required"

    /// Settings whose values are redacted wherever the configuration library reports access
    /// (the database URL may carry a PostgreSQL password).
    public static let secrets: Set<String> = Set([websiteSecret, databaseURL]).union(doorSecrets)

    public static func environmentName(_ key: String) -> String {
        "WECHAT_OIDC_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
    }
}
