/// The apps and people a ``WeChatSimulator`` knows. `Codable`, so the standalone command can read
/// it from a JSON file:
///
/// ```json
/// {
///   "apps": [{"appID": "wx0123456789abcdef", "secret": "…", "kind": "website",
///             "callbackDomain": "localhost:8080", "openPlatformID": "gh_simulator0001"}],
///   "users": [{"id": "alice", "nickname": "Alice", "headImageURL": "https://…/0"}],
///   "autoApproveUserID": null,
///   "seed": "wechat-simulator"
/// }
/// ```
public struct SimulatorConfiguration: Sendable, Hashable, Codable {
    public var apps: [SimulatedApp]
    public var users: [SimulatedUser]
    /// When set, `qrconnect` redirects at once as if this user had confirmed (for tests and CI).
    public var autoApproveUserID: String?
    /// Key material for deriving openids and unionids: the same seed gives the same identities
    /// across restarts; different seeds never collide.
    public var seed: String
    /// Whether the `/_simulator/…` control endpoints are mounted.
    public var controlEndpointsEnabled: Bool

    public init(
        apps: [SimulatedApp],
        users: [SimulatedUser],
        autoApproveUserID: String? = nil,
        seed: String = "wechat-simulator",
        controlEndpointsEnabled: Bool = true
    ) {
        self.apps = apps
        self.users = users
        self.autoApproveUserID = autoApproveUserID
        self.seed = seed
        self.controlEndpointsEnabled = controlEndpointsEnabled
    }

    enum CodingKeys: String, CodingKey {
        case apps, users, autoApproveUserID, seed, controlEndpointsEnabled
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apps = try container.decode([SimulatedApp].self, forKey: .apps)
        users = try container.decode([SimulatedUser].self, forKey: .users)
        autoApproveUserID = try container.decodeIfPresent(String.self, forKey: .autoApproveUserID)
        seed = try container.decodeIfPresent(String.self, forKey: .seed) ?? "wechat-simulator"
        controlEndpointsEnabled = try container.decodeIfPresent(Bool.self, forKey: .controlEndpointsEnabled) ?? true
    }

    /// Problems that make the configuration unusable, each naming its key; empty when valid.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        var appIDs: Set<String> = []
        for (index, app) in apps.enumerated() {
            if app.appID.isEmpty { errors.append("apps[\(index)].appID is empty") }
            if !appIDs.insert(app.appID).inserted { errors.append("apps[\(index)].appID \(app.appID) is duplicated") }
            if app.secret.isEmpty { errors.append("apps[\(index)].secret is empty") }
            if CallbackDomain(app.callbackDomain) == nil {
                errors.append("apps[\(index)].callbackDomain must be a host with an optional :port")
            }
            if let openPlatformID = app.openPlatformID, openPlatformID.isEmpty {
                errors.append("apps[\(index)].openPlatformID is empty (omit it for an unbound app)")
            }
        }
        var userIDs: Set<String> = []
        for (index, user) in users.enumerated() {
            if user.id.isEmpty { errors.append("users[\(index)].id is empty") }
            if !userIDs.insert(user.id).inserted { errors.append("users[\(index)].id \(user.id) is duplicated") }
        }
        if let autoApproveUserID, !userIDs.contains(autoApproveUserID) {
            errors.append("autoApproveUserID \(autoApproveUserID) names no user")
        }
        if apps.isEmpty { errors.append("apps is empty") }
        return errors
    }
}

extension SimulatorConfiguration {
    /// The first app of `kind`, if any.
    public func app(kind: SimulatedApp.Kind) -> SimulatedApp? {
        apps.first { $0.kind == kind }
    }

    /// A ready development setup: one app of each kind (website first, then Official Account,
    /// mobile app, mini program), all bound to the Open Platform account `gh_simulator0001`, and
    /// three test users (one with a Chinese + emoji nickname, one with an empty avatar).
    public static func development(callbackDomain: String) -> SimulatorConfiguration {
        SimulatorConfiguration(
            apps: [
                SimulatedApp(
                    appID: "wx5f3c2a1b0d9e8f70",
                    secret: "3b9d7e1c5a0f42e6b8c1d3e5f7a9b0c2",
                    kind: .website,
                    callbackDomain: callbackDomain,
                    openPlatformID: "gh_simulator0001"
                ),
                SimulatedApp(
                    appID: "wx7a1e4c9b2d6f0a35", secret: "9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e",
                    kind: .officialAccount, callbackDomain: callbackDomain, openPlatformID: "gh_simulator0001"
                ),
                SimulatedApp(
                    appID: "wx3c8d5e2f1a0b9c47", secret: "c1e3a5b7d9f0e2c4a6b8d0f1e3c5a7b9",
                    kind: .mobile, callbackDomain: callbackDomain, openPlatformID: "gh_simulator0001"
                ),
                SimulatedApp(
                    appID: "wx9e0f1a2b3c4d5e68", secret: "5d7f9b1c3e5a7d9f1b3c5e7a9d1f3b5c",
                    kind: .miniProgram, callbackDomain: callbackDomain, openPlatformID: "gh_simulator0001"
                ),
            ],
            users: [
                SimulatedUser(
                    id: "alice",
                    nickname: "Alice",
                    headImageURL: "https://thirdwx.qlogo.cn/mmopen/vi_32/simulator-alice/132"
                ),
                SimulatedUser(
                    id: "xiaoming",
                    nickname: "小明🐼",
                    headImageURL: "https://thirdwx.qlogo.cn/mmopen/vi_32/simulator-xiaoming/0"
                ),
                SimulatedUser(id: "noavatar", nickname: "No Avatar", headImageURL: ""),
            ]
        )
    }
}
