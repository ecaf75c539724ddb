/// A failure the simulator plays instead of (or before) its normal answer.
///
/// From Swift: ``WeChatSimulator/addFault(_:)``. Over HTTP: `POST /_simulator/faults` with e.g.
/// `{"endpoint":"access_token","fault":"errcode","errcode":-1,"count":2}`,
/// `{"endpoint":"userinfo","fault":"delay","ms":1500}`, `{"endpoint":"auth","fault":"malformed"}`,
/// `{"endpoint":"access_token","fault":"empty"}` or `{"endpoint":"access_token","fault":"snapshot_user"}`.
/// `count` (default: until cleared) is how many requests the fault applies to; faults for one
/// endpoint are played in the order they were added.
public struct SimulatorFault: Sendable, Hashable, Codable {
    /// The JSON APIs that can fail.
    public enum Endpoint: String, Sendable, Hashable, Codable, CaseIterable {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case auth
        case userInfo = "userinfo"
        case jsCode2Session = "jscode2session"
    }

    public enum Kind: Sendable, Hashable {
        /// Answer `{"errcode":N,"errmsg":"… rid: …"}`; nothing else happens (a code is not used up).
        case errcode(Int)
        /// Wait this long, then answer normally.
        case delay(milliseconds: Int)
        /// Answer HTTP 200 with a body that is not JSON.
        case malformedBody
        /// Answer HTTP 200 with an empty `text/html` body (WECHAT.md §4: "some failures even
        /// return an empty `text/html` body").
        case emptyBody
        /// `access_token` only: succeed, but as a snapshot-page user (WECHAT.md §3) — virtual
        /// openid/unionid and `"is_snapshotuser": 1`.
        case snapshotUser
    }

    public var endpoint: Endpoint
    public var kind: Kind
    /// Number of requests affected; `nil` = until cleared.
    public var count: Int?

    public init(endpoint: Endpoint, kind: Kind, count: Int? = nil) {
        self.endpoint = endpoint
        self.kind = kind
        self.count = count
    }

    /// Longest delay accepted (so a stray fault cannot hold connections for long).
    public static let maxDelayMilliseconds = 60_000

    enum CodingKeys: String, CodingKey {
        case endpoint, fault, errcode, ms, count
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try container.decode(Endpoint.self, forKey: .endpoint)
        count = try container.decodeIfPresent(Int.self, forKey: .count)
        if let count, count < 1 {
            throw DecodingError.dataCorruptedError(forKey: .count, in: container, debugDescription: "count must be at least 1")
        }
        let fault = try container.decode(String.self, forKey: .fault)
        switch fault {
        case "errcode":
            kind = .errcode(try container.decode(Int.self, forKey: .errcode))
        case "delay":
            let ms = try container.decode(Int.self, forKey: .ms)
            guard (0...Self.maxDelayMilliseconds).contains(ms) else {
                throw DecodingError.dataCorruptedError(forKey: .ms, in: container, debugDescription: "ms must be 0…\(Self.maxDelayMilliseconds)")
            }
            kind = .delay(milliseconds: ms)
        case "malformed": kind = .malformedBody
        case "empty": kind = .emptyBody
        case "snapshot_user":
            guard endpoint == .accessToken else {
                throw DecodingError.dataCorruptedError(forKey: .fault, in: container, debugDescription: "snapshot_user applies to access_token only")
            }
            kind = .snapshotUser
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .fault, in: container, debugDescription: "fault must be errcode, delay, malformed, empty or snapshot_user")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(endpoint, forKey: .endpoint)
        try container.encodeIfPresent(count, forKey: .count)
        switch kind {
        case .errcode(let errcode):
            try container.encode("errcode", forKey: .fault)
            try container.encode(errcode, forKey: .errcode)
        case .delay(let ms):
            try container.encode("delay", forKey: .fault)
            try container.encode(ms, forKey: .ms)
        case .malformedBody: try container.encode("malformed", forKey: .fault)
        case .emptyBody: try container.encode("empty", forKey: .fault)
        case .snapshotUser: try container.encode("snapshot_user", forKey: .fault)
        }
    }
}
