/// The settings of the four WeChat doors (WECHAT.md §1: "Each kind of WeChat 'app' has its own
/// `appid` + `appsecret`") and of identity linking.
extension SettingsKey {
    /// Official Account (公众号/服务号): `WECHAT_OIDC_OFFICIAL_ACCOUNT_APPID`.
    public static let officialAccountAppID = "official_account.appid"
    /// `WECHAT_OIDC_OFFICIAL_ACCOUNT_SECRET`.
    public static let officialAccountSecret = "official_account.secret"
    /// The server token (令牌) of the event-push URL: `WECHAT_OIDC_OFFICIAL_ACCOUNT_TOKEN`.
    public static let officialAccountToken = "official_account.token"
    /// The EncodingAESKey (43 characters): `WECHAT_OIDC_OFFICIAL_ACCOUNT_AES_KEY`.
    public static let officialAccountAESKey = "official_account.aes_key"
    /// The Official Account's original ID (`gh_…`): `WECHAT_OIDC_OFFICIAL_ACCOUNT_ORIGINAL_ID`.
    public static let officialAccountOriginalID = "official_account.original_id"
    /// Mobile app (移动应用): `WECHAT_OIDC_MOBILE_APPID`.
    public static let mobileAppID = "mobile.appid"
    /// `WECHAT_OIDC_MOBILE_SECRET`.
    public static let mobileSecret = "mobile.secret"
    /// Mini Program (小程序): `WECHAT_OIDC_MINIPROGRAM_APPID`.
    public static let miniProgramAppID = "miniprogram.appid"
    /// `WECHAT_OIDC_MINIPROGRAM_SECRET`.
    public static let miniProgramSecret = "miniprogram.secret"
    /// `true`: never create an account without a unionid. Environment
    /// `WECHAT_OIDC_IDENTITY_REQUIRE_UNIONID`, or the short `requireUnionIDVariable`.
    public static let requireUnionID = "identity.require_unionid"
    /// The short environment variable for `requireUnionID`.
    public static let requireUnionIDVariable = "WECHAT_OIDC_REQUIRE_UNIONID"

    /// The door settings whose values are redacted.
    static let doorSecrets: Set<String> = [officialAccountSecret, officialAccountToken, officialAccountAESKey, mobileSecret, miniProgramSecret]
}
