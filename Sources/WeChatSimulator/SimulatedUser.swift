/// A test person who can "scan" the simulator's QR page.
///
/// The person's `openid` and `unionid` are derived from ``id`` (see ``SimulatorConfiguration/seed``);
/// the nickname may be anything (WECHAT.md §1: "Never key a user on the nickname").
public struct SimulatedUser: Sendable, Hashable, Codable {
    /// Stable identifier inside the simulator (never sent to relying parties).
    public var id: String
    public var nickname: String
    /// Avatar URL; may be empty, as on WeChat (WECHAT.md §4).
    public var headImageURL: String

    public init(id: String, nickname: String, headImageURL: String = "") {
        self.id = id
        self.nickname = nickname
        self.headImageURL = headImageURL
    }

    enum CodingKeys: String, CodingKey {
        case id, nickname, headImageURL
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        nickname = try container.decode(String.self, forKey: .nickname)
        headImageURL = try container.decodeIfPresent(String.self, forKey: .headImageURL) ?? ""
    }
}
