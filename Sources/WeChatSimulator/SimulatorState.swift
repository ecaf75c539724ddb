import Foundation

/// Everything the simulator remembers, guarded by the simulator's `Mutex`.
struct SimulatorState: Sendable {
    /// WECHAT.md §2: "The code lives 10 minutes … and works once."
    static let codeLifetime: TimeInterval = 600
    /// WECHAT.md §6: "`wx.login()` yields a `js_code` (5 minutes)".
    static let jsCodeLifetime: TimeInterval = 300
    /// The scope recorded for a mini program `js_code` (it has no OAuth scope).
    static let jsCodeScope = "jscode"
    /// WECHAT.md §4: `expires_in (7200)`.
    static let accessTokenLifetime: TimeInterval = 7200
    /// WECHAT.md §4: "refresh_token lives 30 days".
    static let refreshTokenLifetime: TimeInterval = 30 * 24 * 3600
    /// How long a QR page can be confirmed (WeChat's QR codes expire after a few minutes).
    static let pendingLoginLifetime: TimeInterval = 300
    /// Soft cap per map, after which expired entries are swept.
    static let sweepThreshold = 1024

    struct PendingLogin: Sendable {
        var appID: String
        var redirectURI: String
        var state: String?
        var scope: String
        var createdAt: Date
    }

    struct IssuedCode: Sendable {
        var appID: String
        var userID: String
        var scope: String
        var issuedAt: Date
        var used: Bool
        /// Issued from a snapshot page (WECHAT.md §3): the exchange answers a virtual identity.
        var snapshot = false
    }

    struct Grant: Sendable {
        var appID: String
        var userID: String
        var openID: String
        var unionID: String?
        var scope: String
        var issuedAt: Date
        var isSnapshotUser: Bool
    }

    struct FaultEntry: Sendable {
        var fault: SimulatorFault
        var remaining: Int?
    }

    var pendingLogins: [String: PendingLogin] = [:]
    var codes: [String: IssuedCode] = [:]
    var accessTokens: [String: Grant] = [:]
    var refreshTokens: [String: Grant] = [:]
    var faults: [FaultEntry] = []
    /// Official Account global tokens (WECHAT.md §5.1): token → (appid, issued at).
    var globalTokens: [String: (appID: String, issuedAt: Date)] = [:]
    /// The current `stable_token` per appid.
    var stableTokens: [String: String] = [:]
    /// Temporary scene QR codes (§5.2): ticket → (appid, scene, expires at).
    var sceneTickets: [String: (appID: String, scene: String, expiresAt: Date)] = [:]
    /// Followers per Official Account: "appid/openid" → (user id, the scene they came by).
    var followers: [String: (userID: String, scene: String?)] = [:]
    var autoApproveUserID: String?

    /// Takes (and counts down) the first fault registered for `endpoint`.
    mutating func takeFault(for endpoint: SimulatorFault.Endpoint) -> SimulatorFault.Kind? {
        guard let index = faults.firstIndex(where: { $0.fault.endpoint == endpoint }) else { return nil }
        let kind = faults[index].fault.kind
        if let remaining = faults[index].remaining {
            if remaining <= 1 {
                faults.remove(at: index)
            } else {
                faults[index].remaining = remaining - 1
            }
        }
        return kind
    }

    /// Drops expired entries once a map grows past ``sweepThreshold``.
    mutating func sweep(now: Date) {
        if pendingLogins.count > Self.sweepThreshold {
            pendingLogins = pendingLogins.filter { now.timeIntervalSince($0.value.createdAt) < Self.pendingLoginLifetime }
        }
        if codes.count > Self.sweepThreshold {
            codes = codes.filter { now.timeIntervalSince($0.value.issuedAt) < Self.codeLifetime }
        }
        if accessTokens.count > Self.sweepThreshold {
            accessTokens = accessTokens.filter { now.timeIntervalSince($0.value.issuedAt) < Self.accessTokenLifetime }
        }
        if refreshTokens.count > Self.sweepThreshold {
            refreshTokens = refreshTokens.filter { now.timeIntervalSince($0.value.issuedAt) < Self.refreshTokenLifetime }
        }
    }
}
