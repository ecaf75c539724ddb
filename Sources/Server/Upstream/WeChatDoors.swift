import WeChat

/// The doors the settings open (WECHAT.md §1, four kinds of credentials), and which one a
/// browser takes.
struct WeChatDoors: Sendable {
    var website: WebsiteQRDoor?

    init(settings: ProviderSettings, client: WeChatClient) {
        website = settings.website.map { WebsiteQRDoor(client: client, app: $0, openPlatformID: settings.openPlatformID) }
    }

    /// The door for a browser: the website QR door; `nil` when no website app is configured.
    func browserDoor(userAgent: String?) -> (any WeChatLoginDoor)? {
        website
    }

    /// The browser door a pending authorization was started with.
    func door(named name: String) -> (any WeChatLoginDoor)? {
        switch name {
        case "website": website
        default: nil
        }
    }

    /// The `amr` value of the door stored as `name` (for metrics of doors since closed too).
    static func amr(forDoor name: String) -> String {
        switch name {
        case "website": "wechat_qr"
        case "officialAccount": "wechat_oa"
        case "mobile": "wechat_app"
        case "miniProgram": "wechat_miniprogram"
        default: "wechat"
        }
    }
}
