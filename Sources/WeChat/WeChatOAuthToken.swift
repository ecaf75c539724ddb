/// The success body of `/sns/oauth2/access_token` and `/sns/oauth2/refresh_token`.
///
/// WECHAT.md §4: "`access_token, expires_in (7200), refresh_token, openid, scope, unionid?,
/// is_snapshotuser?`". `unionid` is "only present once the admin has bound the app to an Open
/// Platform account" (§1).
///
/// The tokens never appear in `description`.
public struct WeChatOAuthToken: Sendable, Hashable, Decodable {
    public var accessToken: String
    /// Lifetime of ``accessToken`` in seconds (7200 in practice).
    public var expiresIn: Int
    public var refreshToken: String
    public var openID: String
    /// Granted scopes, comma separated as WeChat sends them (e.g. `snsapi_login`).
    public var scope: String
    public var unionID: String?
    /// WECHAT.md §3: virtual snapshot-page identity. ``WeChatClient/exchangeCode(_:app:)`` refuses
    /// such responses, so callers of it never see `true`.
    public var isSnapshotUser: Bool

    public init(
        accessToken: String, expiresIn: Int, refreshToken: String, openID: String, scope: String,
        unionID: String? = nil, isSnapshotUser: Bool = false
    ) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.openID = openID
        self.scope = scope
        self.unionID = unionID
        self.isSnapshotUser = isSnapshotUser
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case openID = "openid"
        case scope
        case unionID = "unionid"
        case isSnapshotUser = "is_snapshotuser"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try container.decode(String.self, forKey: .accessToken)
        expiresIn = try container.decodeLenientInt(forKey: .expiresIn)
        refreshToken = try container.decode(String.self, forKey: .refreshToken)
        openID = try container.decode(String.self, forKey: .openID)
        scope = try container.decodeIfPresent(String.self, forKey: .scope) ?? ""
        let unionID = try container.decodeIfPresent(String.self, forKey: .unionID)
        self.unionID = (unionID?.isEmpty ?? true) ? nil : unionID
        // Seen as 1/0; accept true/false too.
        if let flag = try? container.decodeIfPresent(Int.self, forKey: .isSnapshotUser) {
            isSnapshotUser = flag != 0
        } else {
            isSnapshotUser = (try? container.decodeIfPresent(Bool.self, forKey: .isSnapshotUser)) ?? false
        }
    }
}

extension WeChatOAuthToken: CustomStringConvertible {
    public var description: String {
        "WeChatOAuthToken(openID: \(openID), unionID: \(unionID ?? "nil"), scope: \(scope), expiresIn: \(expiresIn), isSnapshotUser: \(isSnapshotUser), tokens: <redacted>)"
    }
}

extension KeyedDecodingContainer {
    /// An integer sent either as a JSON number or as a numeric string.
    func decodeLenientInt(forKey key: Key) throws -> Int {
        if let value = try? decode(Int.self, forKey: key) { return value }
        let text = try decode(String.self, forKey: key)
        guard let value = Int(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an integer")
        }
        return value
    }
}
