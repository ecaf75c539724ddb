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
    /// `consume(codeHash:now:)`, also answering, read in the same statement, the current
    /// `ClientRecord.version` of client `clientID` (`nil` when it no longer exists) — the
    /// token endpoint's check that the client it authenticated from memory is still the stored one.
    func consume(codeHash: Data, now: Date, versionOfClient clientID: String) async throws -> (CodeConsumption, clientVersion: Int64?)
    /// Removes codes expired before `now` (consumed ones are kept until then, for replay detection).
    @discardableResult func purgeExpired(now: Date) async throws -> Int
}
