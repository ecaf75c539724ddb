import Foundation

/// The outcome of presenting a refresh token.
public enum RefreshTokenUse: Sendable, Equatable {
    /// Active until now; it is marked rotated and the caller issues its successor.
    case rotated(RefreshTokenRecord)
    /// It was already rotated: a reuse (RFC 9700 §4.14.2). The caller revokes the family.
    case reused(RefreshTokenRecord)
    /// Revoked, or expired at `now` (idle or absolute).
    case inactive(RefreshTokenRecord)
    case notFound
}

/// Refresh tokens, rotated on every use.
public protocol RefreshTokenStore: Sendable {
    func create(_ token: RefreshTokenRecord) async throws
    /// Atomically marks the token rotated when it is active at `now` (not rotated, not revoked,
    /// `expiresAt > now`): exactly one of several concurrent callers gets `.rotated`.
    func use(tokenHash: Data, now: Date) async throws -> RefreshTokenUse
    /// The token in whatever state (callers check).
    func find(tokenHash: Data) async throws -> RefreshTokenRecord?
    /// Revokes every token of the family (also the rotated ones); returns how many changed.
    @discardableResult func revokeFamily(familyID: String, now: Date) async throws -> Int
    /// Removes tokens expired before `now` and families past their absolute expiry.
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}
