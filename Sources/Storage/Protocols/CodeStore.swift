import Foundation

/// The outcome of trying to redeem an authorization code.
public enum CodeConsumption: Sendable, Equatable {
    /// First use, within its lifetime: the code is now marked consumed.
    case consumed(AuthorizationCodeRecord)
    /// The code was already consumed: a replay. The record tells which grant to revoke.
    case replayed(AuthorizationCodeRecord)
    /// Known but expired at `now` (and not consumed).
    case expired(AuthorizationCodeRecord)
    /// Unknown code.
    case notFound
}

/// Authorization codes (single use, short-lived).
public protocol CodeStore: Sendable {
    func create(_ code: AuthorizationCodeRecord) async throws
    /// Atomically marks the code consumed if it was not (one winner under concurrency).
    /// A code is expired at `now` when `expiresAt <= now`; a consumed code reports `.replayed`
    /// even after it expired (until `purgeExpired` removes it).
    func consume(codeHash: Data, now: Date) async throws -> CodeConsumption
    /// `consume(codeHash:now:)` for the token endpoint, in one statement: when the code is
    /// consumed, the access token issued from it is stored too (`AccessTokenRecord` with the
    /// code's grant, client, user, scopes and claims, created at `now`, not revoked), and the
    /// current `ClientRecord.version` of client `clientID` is read (`nil` when it no longer
    /// exists) — the check that a client authenticated from memory is still the stored one.
    /// Nothing is stored when the code is not consumed.
    func redeem(
        codeHash: Data, now: Date, versionOfClient clientID: String, issuing accessToken: IssuedAccessToken
    ) async throws -> (CodeConsumption, clientVersion: Int64?)
    /// Removes codes expired before `now` (consumed ones are kept until then, for replay detection).
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}

/// The access token `CodeStore.redeem` stores with the code it consumes.
public struct IssuedAccessToken: Sendable, Equatable {
    /// SHA-256 of the token.
    public var tokenHash: Data
    public var expiresAt: Date

    public init(tokenHash: Data, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}
