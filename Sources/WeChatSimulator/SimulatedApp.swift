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

    public init(appID: String, secret: String, kind: Kind = .website, callbackDomain: String, openPlatformID: String? = nil) {
        self.appID = appID
        self.secret = secret
        self.kind = kind
        self.callbackDomain = callbackDomain
        self.openPlatformID = openPlatformID
    }

    enum CodingKeys: String, CodingKey {
        case appID, secret, kind, callbackDomain, openPlatformID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        appID = try container.decode(String.self, forKey: .appID)
        secret = try container.decode(String.self, forKey: .secret)
        kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? .website
        callbackDomain = try container.decode(String.self, forKey: .callbackDomain)
        openPlatformID = try container.decodeIfPresent(String.self, forKey: .openPlatformID)
    }
}

extension SimulatedApp: CustomStringConvertible {
    /// Without the secret.
    public var description: String {
        "SimulatedApp(appID: \(appID), kind: \(kind.rawValue), callbackDomain: \(callbackDomain), openPlatformID: \(openPlatformID ?? "nil"), secret: <redacted>)"
    }
}
