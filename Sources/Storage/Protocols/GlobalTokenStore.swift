import Foundation

/// The Official Account's global access_token, one row per appid, shared by every process on
/// the database (WECHAT.md §7: "fetching a global token per login burns the quota and
/// invalidates other replicas' tokens").
///
/// Refreshing is single-flight across processes: a caller that finds the token due first
/// ``claimRefresh(appID:refreshBefore:leaseUntil:now:)``; exactly one concurrent caller wins the
/// claim (a lease until `leaseUntil`), calls WeChat and ``save(appID:token:)``s the result; the
/// others wait briefly and read again. A lease left by a crashed process lapses at `leaseUntil`.
public protocol GlobalTokenStore: Sendable {
    /// The stored token, whatever its expiry; `nil` when none was ever stored.
    func current(appID: String) async throws -> StoredGlobalToken?
    /// Takes the refresh lease when the stored token expires at or before `refreshBefore` (or
    /// there is none) and no unexpired lease is held at `now`. Atomic across processes: of
    /// concurrent callers exactly one gets `true`.
    func claimRefresh(appID: String, refreshBefore: Date, leaseUntil: Date, now: Date) async throws -> Bool
    /// Stores a fresh token and releases the lease.
    func save(appID: String, token: StoredGlobalToken) async throws
    /// Releases the lease without a new token (the refresh failed), so another caller may try.
    func releaseClaim(appID: String) async throws
    /// Marks `accessToken` as due for refresh when it is still the stored one (WeChat refused it
    /// with 40001); a newer token stored meanwhile is left alone.
    func invalidate(appID: String, accessToken: String) async throws
}
