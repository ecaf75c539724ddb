/// One WeChat app's `appid` + `appsecret`, tagged with its kind.
///
/// WECHAT.md §1: "Each kind of WeChat 'app' has its own `appid` + `appsecret`, and its own
/// per-user `openid`." §7: "credentials must be modelled as named kinds and validated at
/// start-up."
///
/// The secret never appears in `description`, `debugDescription` or `dump` output.
public struct WeChatAppCredentials: Sendable, Hashable {
    /// The four kinds of WeChat credentials (WECHAT.md §1).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Website app (网站应用), Open Platform: PC browser QR login, scope `snsapi_login`.
        case website
        /// Official Account (公众号/服务号), Media Platform: in-app browser login.
        case officialAccount
        /// Mobile app (移动应用), Open Platform: native OpenSDK login.
        case mobile
        /// Mini Program (小程序): `wx.login()` + `jscode2session`.
        case miniProgram
    }

    public var kind: Kind
    public var appID: String
    public var secret: String

    public init(kind: Kind, appID: String, secret: String) {
        self.kind = kind
        self.appID = appID
        self.secret = secret
    }
}

extension WeChatAppCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "WeChatAppCredentials(kind: \(kind.rawValue), appID: \(appID), secret: <redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["kind": kind, "appID": appID, "secret": "<redacted>"])
    }
}
