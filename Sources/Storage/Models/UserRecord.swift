import Foundation

/// A person known to the provider. `id` is our own stable opaque identifier and is what
/// appears as `sub` (OIDC Core §2: "A locally unique and never reassigned identifier").
public struct UserRecord: Sendable, Equatable, Codable {
    public var id: String
    public var nickname: String?
    public var pictureURL: String?
    public var locale: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, nickname: String?, pictureURL: String?, locale: String?,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.nickname = nickname
        self.pictureURL = pictureURL
        self.locale = locale
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
