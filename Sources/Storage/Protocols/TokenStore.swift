import Foundation

/// Opaque access tokens.
public protocol TokenStore: Sendable {
    func create(_ token: AccessTokenRecord) async throws
    /// The token if it exists (revoked or expired ones included: callers check).
    func find(tokenHash: Data) async throws -> AccessTokenRecord?
    /// Revokes every token issued from a grant; returns how many were revoked.
    @discardableResult func revokeGrant(grantID: String, now: Date) async throws -> Int
    /// Revokes one token (RFC 7009); returns `false` when unknown or already revoked.
    @discardableResult func revoke(tokenHash: Data, now: Date) async throws -> Bool
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}
