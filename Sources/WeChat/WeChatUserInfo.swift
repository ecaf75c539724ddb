/// The success body of `/sns/userinfo`.
///
/// WECHAT.md §4: "`openid, nickname, sex, province, city, country, headimgurl, privilege[],
/// unionid?, language?`". "Since late 2021 the login APIs no longer give real `sex` or region:
/// expect `0` and empty strings. `headimgurl` … can be empty." Empty strings are kept as WeChat
/// sent them; the claims layer decides what to drop ("Do not emit empty strings or `sex` as
/// OIDC claims").
public struct WeChatUserInfo: Sendable, Hashable, Decodable {
    public var openID: String
    public var nickname: String
    public var sex: Int?
    public var province: String
    public var city: String
    public var country: String
    /// Avatar URL; ends in a size segment (`/0` = 640x640, `/132`…); may be empty.
    public var headImageURL: String
    public var privilege: [String]
    public var unionID: String?
    public var language: String?

    public init(
        openID: String, nickname: String, sex: Int? = nil, province: String = "", city: String = "",
        country: String = "", headImageURL: String = "", privilege: [String] = [], unionID: String? = nil,
        language: String? = nil
    ) {
        self.openID = openID
        self.nickname = nickname
        self.sex = sex
        self.province = province
        self.city = city
        self.country = country
        self.headImageURL = headImageURL
        self.privilege = privilege
        self.unionID = unionID
        self.language = language
    }

    enum CodingKeys: String, CodingKey {
        case openID = "openid"
        case nickname, sex, province, city, country
        case headImageURL = "headimgurl"
        case privilege
        case unionID = "unionid"
        case language
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        openID = try container.decode(String.self, forKey: .openID)
        nickname = try container.decodeIfPresent(String.self, forKey: .nickname) ?? ""
        sex = try? container.decodeLenientInt(forKey: .sex)
        province = (try? container.decodeIfPresent(String.self, forKey: .province)) ?? ""
        city = (try? container.decodeIfPresent(String.self, forKey: .city)) ?? ""
        country = (try? container.decodeIfPresent(String.self, forKey: .country)) ?? ""
        headImageURL = (try? container.decodeIfPresent(String.self, forKey: .headImageURL)) ?? ""
        privilege = (try? container.decodeIfPresent([String].self, forKey: .privilege)) ?? []
        let unionID = try? container.decodeIfPresent(String.self, forKey: .unionID)
        self.unionID = (unionID?.isEmpty ?? true) ? nil : unionID
        language = try? container.decodeIfPresent(String.self, forKey: .language)
    }
}
