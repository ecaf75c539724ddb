/// A WeChat app the simulator knows (WECHAT.md §1).
public struct SimulatedApp: Sendable, Hashable, Codable {
    /// Which door the app uses: ``Kind/website`` at `/connect/qrconnect`, ``Kind/officialAccount``
    /// at `/connect/oauth2/authorize`, ``Kind/mobile`` and ``Kind/miniProgram`` through codes
    /// minted by `POST /_simulator/sdk-code` (what the OpenSDK and `wx.login()` hand the app).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case website, officialAccount, mobile, miniProgram

        /// The scope a `qrconnect`/`authorize` request must carry for this kind (WECHAT.md §1).
        var allowedAuthorizeScopes: Set<String> {
            switch self {
            case .website: ["snsapi_login"]
            case .officialAccount: ["snsapi_base", "snsapi_userinfo"]
            case .mobile: ["snsapi_userinfo"]
            case .miniProgram: []
            }
        }
    }

    public var appID: String
    public var secret: String
    public var kind: Kind
    /// The authorized callback domain (授权回调域): a host, optionally with `:port`
    /// (e.g. `localhost:8080`). WECHAT.md §2: "`redirect_uri`'s host must equal the authorized
    /// callback domain". Without a port any port is accepted.
    public var callbackDomain: String
    /// The Open Platform account the app is bound to (原始ID, `gh_…`), or `nil` when unbound.
    /// WECHAT.md §1: `unionid` "is only present once the admin has bound the app to an Open
    /// Platform account".
    public var openPlatformID: String?
    /// An Official Account's server URL (服务器地址) and token (令牌), as in the Media Platform's
    /// 服务器配置: when both are set, `POST /_simulator/scan` delivers the plain-mode push there,
    /// signed as WeChat signs it (WECHAT.md §5.3).
    public var serverURL: String?
    public var serverToken: String?

    public init(
        appID: String, secret: String, kind: Kind = .website, callbackDomain: String, openPlatformID: String? = nil,
        serverURL: String? = nil, serverToken: String? = nil
    ) {
        self.appID = appID
        self.secret = secret
        self.kind = kind
        self.callbackDomain = callbackDomain
        self.openPlatformID = openPlatformID
        self.serverURL = serverURL
        self.serverToken = serverToken
    }

    enum CodingKeys: String, CodingKey {
        case appID, secret, kind, callbackDomain, openPlatformID, serverURL, serverToken
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        appID = try container.decode(String.self, forKey: .appID)
        secret = try container.decode(String.self, forKey: .secret)
        kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? .website
        callbackDomain = try container.decode(String.self, forKey: .callbackDomain)
        openPlatformID = try container.decodeIfPresent(String.self, forKey: .openPlatformID)
        serverURL = try container.decodeIfPresent(String.self, forKey: .serverURL)
        serverToken = try container.decodeIfPresent(String.self, forKey: .serverToken)
    }
}

extension SimulatedApp: CustomStringConvertible {
    /// Without the secret.
    public var description: String {
        "SimulatedApp(appID: \(appID), kind: \(kind.rawValue), callbackDomain: \(callbackDomain), openPlatformID: \(openPlatformID ?? "nil"), serverURL: \(serverURL ?? "nil"), secret: <redacted>)"
    }
}
