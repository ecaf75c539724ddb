/// Profile values fresh from WeChat, applied to a user at each login.
/// `nil` leaves a value unchanged; callers never pass empty strings.
public struct ProfileUpdate: Sendable, Equatable {
    public var nickname: String?
    public var pictureURL: String?
    public var locale: String?

    public init(nickname: String? = nil, pictureURL: String? = nil, locale: String? = nil) {
        self.nickname = nickname
        self.pictureURL = pictureURL
        self.locale = locale
    }
}
