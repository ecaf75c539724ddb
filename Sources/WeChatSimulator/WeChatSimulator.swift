import Foundation
import Hummingbird
import Logging
import Synchronization

/// A faithful, offline stand-in for WeChat's login servers (WECHAT.md), for development, tests
/// and CI. Serves the website-app door (`/connect/qrconnect`), the Official Account door
/// (`/connect/oauth2/authorize`) and the `/sns/…` JSON APIs.
///
/// Mount it on any Hummingbird router (`simulator.addRoutes(to: router.group("wechat"))`) or run
/// it alone with ``makeApplication(simulator:host:port:logger:onServerRunning:)``.
public final class WeChatSimulator: Sendable {
    public let configuration: SimulatorConfiguration
    public let clock: any SimulatorClock
    let logger: Logger
    let identity: SimulatorIdentity
    let appsByID: [String: SimulatedApp]
    let usersByID: [String: SimulatedUser]
    let state: Mutex<SimulatorState>

    public init(
        configuration: SimulatorConfiguration,
        clock: any SimulatorClock = SystemSimulatorClock(),
        logger: Logger = Logger(label: "wechat-simulator")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        identity = SimulatorIdentity(seed: configuration.seed)
        appsByID = Dictionary(configuration.apps.map { ($0.appID, $0) }, uniquingKeysWith: { first, _ in first })
        usersByID = Dictionary(configuration.users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var initial = SimulatorState()
        if let autoApprove = configuration.autoApproveUserID, usersByID[autoApprove] != nil {
            initial.autoApproveUserID = autoApprove
        }
        state = Mutex(initial)
    }

    // MARK: - Identities

    /// The openid `userID` has for `appID` (`nil` if either is unknown).
    public func openID(userID: String, appID: String) -> String? {
        guard appsByID[appID] != nil, usersByID[userID] != nil else { return nil }
        return identity.openID(appID: appID, userID: userID)
    }

    /// The unionid `userID` has through `appID`'s Open Platform account (`nil` when unbound).
    public func unionID(userID: String, appID: String) -> String? {
        guard let app = appsByID[appID], let openPlatformID = app.openPlatformID, usersByID[userID] != nil else { return nil }
        return identity.unionID(openPlatformID: openPlatformID, userID: userID)
    }

    // MARK: - Faults

    /// Queues a fault (see ``SimulatorFault``).
    public func addFault(_ fault: SimulatorFault) {
        state.withLock { $0.faults.append(.init(fault: fault, remaining: fault.count)) }
        logger.info("Simulator fault added", metadata: ["endpoint": "\(fault.endpoint.rawValue)", "fault": "\(fault.kind)"])
    }

    /// Removes every queued fault.
    public func clearFaults() {
        state.withLock { $0.faults.removeAll() }
    }

    /// The queued faults, with their remaining counts.
    public var faults: [SimulatorFault] {
        state.withLock { $0.faults.map { SimulatorFault(endpoint: $0.fault.endpoint, kind: $0.fault.kind, count: $0.remaining) } }
    }

    // MARK: - Auto-approve

    /// The user `qrconnect` approves at once, if any.
    public var autoApproveUserID: String? {
        state.withLock { $0.autoApproveUserID }
    }

    /// Makes `qrconnect` redirect at once as if `userID` had confirmed; `nil` shows the QR page again.
    public func setAutoApprove(userID: String?) throws(SimulatorError) {
        if let userID, usersByID[userID] == nil { throw .unknownUser }
        state.withLock { $0.autoApproveUserID = userID }
    }

    // MARK: - Clock

    /// Advances a ``ManualSimulatorClock``; fails with another clock.
    public func advanceClock(bySeconds seconds: Double) throws(SimulatorError) {
        guard let manual = clock as? ManualSimulatorClock else { throw .clockNotManual }
        manual.advance(bySeconds: seconds)
    }

    // MARK: - Routes

    /// Adds the WeChat routes (and, unless disabled, the `/_simulator/…` control routes).
    ///
    /// - `GET /connect/qrconnect`, `POST /connect/qrconnect/confirm`
    /// - `GET /connect/oauth2/authorize`, `POST /connect/oauth2/authorize/confirm`
    /// - `GET|POST /sns/oauth2/access_token`, `/sns/oauth2/refresh_token`, `/sns/auth`, `/sns/userinfo`,
    ///   `/sns/jscode2session`
    /// - `POST /cgi-bin/stable_token`, `POST /cgi-bin/qrcode/create`, `GET /cgi-bin/user/info`
    /// - `POST|GET|DELETE /_simulator/faults`, `POST /_simulator/auto-approve`, `POST /_simulator/clock/advance`,
    ///   `POST /_simulator/sdk-code`, `POST /_simulator/scan`
    public func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.get("connect/qrconnect") { request, _ in self.qrConnect(request) }
        router.post("connect/qrconnect/confirm") { request, context in await self.confirmQRConnect(request, context: context) }
        router.get("connect/oauth2/authorize") { request, _ in self.officialAccountAuthorize(request) }
        router.post("connect/oauth2/authorize/confirm") { request, context in await self.confirmQRConnect(request, context: context) }
        addFollowQRRoutes(to: router)
        for endpoint in SimulatorFault.Endpoint.allCases {
            let path = RouterPath(stringLiteral: endpoint.path)
            router.get(path) { request, context in await self.api(endpoint, request: request, context: context) }
            router.post(path) { request, context in await self.api(endpoint, request: request, context: context) }
        }
        if configuration.controlEndpointsEnabled {
            addControlRoutes(to: router)
        }
    }
}

extension SimulatorFault.Endpoint {
    var path: String {
        switch self {
        case .accessToken: "sns/oauth2/access_token"
        case .refreshToken: "sns/oauth2/refresh_token"
        case .auth: "sns/auth"
        case .userInfo: "sns/userinfo"
        case .jsCode2Session: "sns/jscode2session"
        }
    }
}
