/// The success body of `/sns/jscode2session`, without its secret.
///
/// WECHAT.md §4: "`openid, session_key, unionid?`" and "The mini program `session_key` is a
/// secret between WeChat and the server: never send it to a client or put it in a token."
/// `session_key` is deliberately not decoded: the facade needs only who signed in, so the key
/// is dropped with the response bytes and can reach no client, token, store or log.
public struct WeChatMiniProgramSession: Sendable, Hashable, Decodable {
    public var openID: String
    public var unionID: String?

    public init(openID: String, unionID: String? = nil) {
        self.openID = openID
        self.unionID = unionID
    }

    enum CodingKeys: String, CodingKey {
        case openID = "openid"
        case unionID = "unionid"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        openID = try container.decode(String.self, forKey: .openID)
        let unionID = try container.decodeIfPresent(String.self, forKey: .unionID)
        self.unionID = (unionID?.isEmpty ?? true) ? nil : unionID
    }
}
