import Foundation

/// The Official Account's global access_token as the store holds it, shared by every replica
/// (WECHAT.md §5.1: "It must therefore be cached and **shared by every replica** (one fetch,
/// single-flight, refreshed before expiry) — never fetched per login"). The token never
/// appears in `description`.
public struct StoredGlobalToken: Sendable, Equatable, CustomStringConvertible {
    public var accessToken: String
    public var expiresAt: Date

    public init(accessToken: String, expiresAt: Date) {
        self.accessToken = accessToken
        self.expiresAt = expiresAt
    }

    public var description: String { "StoredGlobalToken(accessToken: <redacted>, expiresAt: \(expiresAt))" }
}
