import WeChat

/// The doors the settings open (WECHAT.md §1, four kinds of credentials), and which one a
/// browser takes.
struct WeChatDoors: Sendable {
    var website: WebsiteQRDoor?
    var officialAccount: OfficialAccountDoor?
    var mobile: MobileAppDoor?
    var miniProgram: MiniProgramDoor?
    /// "Follow the Official Account to log in" for PC browsers (`login.page: follow`).
    var followQR: FollowQRDoor?

    init(settings: ProviderSettings, client: WeChatClient) {
        website = settings.website.map { WebsiteQRDoor(client: client, app: $0, openPlatformID: settings.openPlatformID) }
        officialAccount = settings.officialAccount.map {
            OfficialAccountDoor(client: client, account: $0, openPlatformID: settings.openPlatformID)
        }
        mobile = settings.mobile.map { MobileAppDoor(client: client, app: $0, openPlatformID: settings.openPlatformID) }
        miniProgram = settings.miniProgram.map { MiniProgramDoor(client: client, app: $0, openPlatformID: settings.openPlatformID) }
        if settings.loginPage == .follow, let account = settings.officialAccount, account.serverToken != nil {
            followQR = FollowQRDoor(client: client, account: account, openPlatformID: settings.openPlatformID)
        }
    }

    /// The configured doors whose codes `/token` exchanges (RFC 8693).
    var sdkDoors: [any WeChatSDKDoor] {
        [mobile as (any WeChatSDKDoor)?, miniProgram].compactMap { $0 }
    }

    /// Every `subject_token_type` this server knows, configured or not.
    static let subjectTokenTypes = [MobileAppDoor.subjectTokenType, MiniProgramDoor.subjectTokenType]

    /// The door for a browser: inside WeChat (WECHAT.md §3: "Detect the in-app browser by
    /// `MicroMessenger` in the User-Agent") the Official Account when one is configured, since
    /// "`qrconnect` does not work inside the WeChat in-app browser" (§2); otherwise the website QR
    /// door. `nil` when no door serves this browser (only an Official Account, outside WeChat).
    func browserDoor(userAgent: String?) -> (any WeChatLoginDoor)? {
        if WeChatUserAgent.isWeChatBrowser(userAgent), let officialAccount { return officialAccount }
        return website
    }

    /// The browser door a pending authorization was started with.
    func door(named name: String) -> (any WeChatLoginDoor)? {
        switch name {
        case "website": website
        case "officialAccount": officialAccount
        default: nil
        }
    }

    /// The `amr` value of the door stored as `name` (for metrics of doors since closed too).
    static func amr(forDoor name: String) -> String {
        switch name {
        case "website": "wechat_qr"
        case "officialAccount": "wechat_oa"
        case FollowQRDoor.name: FollowQRDoor.amr
        case "mobile": "wechat_app"
        case "miniProgram": "wechat_miniprogram"
        default: "wechat"
        }
    }
}
