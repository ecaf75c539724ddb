/// The Official Account (公众号/服务号) and what its Media Platform console holds beside the
/// appid and secret.
///
/// WECHAT.md §1: the Official Account is used for "login inside the WeChat in-app browser;
/// 'follow to log in' QR". §5.3: event pushes are signed with the server **token**
/// (`signature == hex(sha1(sorted([token, timestamp, nonce]).joined()))`) and, in safe mode,
/// encrypted with the key `base64decode(EncodingAESKey + "=")` (32 bytes). The original ID
/// (`gh_…`) is the `ToUserName` of those pushes.
///
/// Secrets (appsecret, token, EncodingAESKey) never appear in `description` or `dump` output.
public struct OfficialAccountCredentials: Sendable, Hashable {
    /// appid + appsecret, of kind ``WeChatAppCredentials/Kind/officialAccount``.
    public var app: WeChatAppCredentials
    /// The server token (令牌) configured for the event-push URL; `nil` when pushes are not used.
    public var serverToken: String?
    /// The 43-character EncodingAESKey (消息加解密密钥) for safe mode; `nil` for plain mode.
    public var encodingAESKey: String?
    /// The account's original ID (原始ID, `gh_…`).
    public var originalID: String?

    public init(app: WeChatAppCredentials, serverToken: String? = nil, encodingAESKey: String? = nil, originalID: String? = nil) {
        self.app = app
        self.serverToken = serverToken
        self.encodingAESKey = encodingAESKey
        self.originalID = originalID
    }
}

extension OfficialAccountCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "OfficialAccountCredentials(appID: \(app.appID), originalID: \(originalID ?? "nil"), secret: <redacted>, "
            + "serverToken: \(serverToken == nil ? "nil" : "<redacted>"), encodingAESKey: \(encodingAESKey == nil ? "nil" : "<redacted>"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["app": app, "originalID": originalID as Any, "serverToken": "<redacted>", "encodingAESKey": "<redacted>"])
    }
}
