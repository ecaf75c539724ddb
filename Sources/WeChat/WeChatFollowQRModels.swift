/// `/cgi-bin/stable_token`'s answer: the Official Account's global access token (WECHAT.md §5.1).
/// The token never appears in `description`.
public struct WeChatGlobalToken: Sendable, Hashable, Decodable, CustomStringConvertible {
    public var accessToken: String
    /// Seconds (7200 in practice).
    public var expiresIn: Int

    public init(accessToken: String, expiresIn: Int) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
    }

    public var description: String { "WeChatGlobalToken(accessToken: <redacted>, expiresIn: \(expiresIn))" }
}

/// `/cgi-bin/qrcode/create`'s answer (WECHAT.md §5.2): "`{"ticket","expire_seconds","url"}`.
/// Show it by rendering `url` as a QR image".
public struct WeChatSceneQRCode: Sendable, Hashable, Decodable {
    public var ticket: String
    public var expireSeconds: Int
    public var url: String

    enum CodingKeys: String, CodingKey {
        case ticket
        case expireSeconds = "expire_seconds"
        case url
    }
}

/// `/cgi-bin/user/info`'s answer (WECHAT.md §5.5), the fields the facade uses.
public struct WeChatSubscriber: Sendable, Hashable, Decodable {
    /// 1 when the user follows the account.
    public var subscribe: Int
    public var openID: String
    public var unionID: String?
    public var qrSceneString: String?

    enum CodingKeys: String, CodingKey {
        case subscribe
        case openID = "openid"
        case unionID = "unionid"
        case qrSceneString = "qr_scene_str"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        subscribe = try container.decodeIfPresent(Int.self, forKey: .subscribe) ?? 0
        openID = try container.decode(String.self, forKey: .openID)
        let unionID = try container.decodeIfPresent(String.self, forKey: .unionID)
        self.unionID = (unionID?.isEmpty ?? true) ? nil : unionID
        let scene = try container.decodeIfPresent(String.self, forKey: .qrSceneString)
        qrSceneString = (scene?.isEmpty ?? true) ? nil : scene
    }
}
