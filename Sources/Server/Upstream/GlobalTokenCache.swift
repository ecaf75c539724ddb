import Foundation
import OIDC
import Storage
import WeChat

/// The Official Account's global access_token, shared through the store by every replica.
///
/// WECHAT.md §5.1: "It lives 7200 s, about 2000 fetches a day are allowed … It must therefore be
/// cached and **shared by every replica** (one fetch, single-flight, refreshed before expiry) —
/// never fetched per login." The stored token is used while it has more than
/// ``refreshMargin`` left; then one caller across all processes wins the store's refresh lease
/// (``GlobalTokenStore/claimRefresh(appID:refreshBefore:leaseUntil:now:)``) and calls
/// `stable_token` (preferred by §5.1: "or, better, `POST /cgi-bin/stable_token`"); the others keep
/// using the old token while it is still valid, or wait briefly and read again.
///
/// The cache holds no state of its own, so building one per request is free.
struct GlobalTokenCache: Sendable {
    /// Refresh when less than this is left (5 minutes).
    static let refreshMargin: TimeInterval = 300
    /// How long a refresher may take before another process may try (a crashed one's lease lapses).
    static let leaseDuration: TimeInterval = 15
    /// A token this close to expiry is not handed out while another process refreshes.
    static let minimumRemaining: TimeInterval = 30

    /// Thrown when no token could be had within ``maxWait`` (another process holds the lease).
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "the Official Account's global access_token is being refreshed elsewhere; try again" }
    }

    let store: any GlobalTokenStore
    let appID: String
    let clock: any ProviderClock
    /// The WeChat call (`stable_token`, with `force_refresh` when asked), injected so tests can
    /// count it.
    let fetch: @Sendable (_ forceRefresh: Bool) async throws -> WeChatGlobalToken
    /// Seals the token in the store (AES-256-GCM under the server secret shared by every
    /// replica's keys directory), so a copy of the database alone does not hand out the account's
    /// API access; `nil` stores it as is.
    var sealer: SecretSealer?
    var pollInterval: Duration = .milliseconds(50)
    var maxWait: Duration = .seconds(4)

    /// A token ready for use and the value the store holds for it (sealed or not).
    private struct Usable {
        var token: String
        var stored: String
    }

    /// The additional authenticated data of a sealed token: a sealed value copied to another
    /// app's row does not open.
    private var sealingContext: String { "wechat-global-token:" + appID }

    /// Runs `call` with the token; when WeChat answers 40001 (WECHAT.md §4: "invalid credential
    /// / global access_token not latest — refresh the global token once, then config error"),
    /// the token is invalidated in the store, refreshed once (`force_refresh`) and `call` tried
    /// again.
    func withToken<T: Sendable>(_ call: @Sendable (String) async throws -> T) async throws -> T {
        let usable = try await usable(forceRefresh: false)
        do {
            return try await call(usable.token)
        } catch let error as WeChatError where error.errcode == 40001 {
            try await store.invalidate(appID: appID, accessToken: usable.stored)
            return try await call(try await self.usable(forceRefresh: true).token)
        }
    }

    /// A usable token: the stored one, or a fresh one fetched by exactly one caller.
    func token(forceRefresh: Bool = false) async throws -> String {
        try await usable(forceRefresh: forceRefresh).token
    }

    private func usable(forceRefresh: Bool) async throws -> Usable {
        let started = ContinuousClock.now
        while true {
            let now = clock.now()
            let stored = try await readable(store.current(appID: appID))
            if let stored, stored.expiresAt > now.addingTimeInterval(Self.refreshMargin) { return stored.usable }
            let claimed = try await store.claimRefresh(
                appID: appID, refreshBefore: now.addingTimeInterval(Self.refreshMargin),
                leaseUntil: now.addingTimeInterval(Self.leaseDuration), now: now
            )
            if claimed { return try await refresh(force: forceRefresh) }
            // Someone else refreshes (or just did): read again.
            if let again = try await readable(store.current(appID: appID)), again.expiresAt > now.addingTimeInterval(Self.minimumRemaining) {
                return again.usable
            }
            guard ContinuousClock.now - started < maxWait else { throw Unavailable() }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// The stored token opened; one that does not open (sealed under another key, or damaged)
    /// is marked due, so the next claim replaces it.
    private func readable(_ stored: StoredGlobalToken?) async throws -> (usable: Usable, expiresAt: Date)? {
        guard let stored else { return nil }
        guard let sealer else { return (Usable(token: stored.accessToken, stored: stored.accessToken), stored.expiresAt) }
        guard let token = sealer.open(stored.accessToken, clientID: sealingContext) else {
            try await store.invalidate(appID: appID, accessToken: stored.accessToken)
            return nil
        }
        return (Usable(token: token, stored: stored.accessToken), stored.expiresAt)
    }

    private func refresh(force: Bool) async throws -> Usable {
        let fresh: WeChatGlobalToken
        do {
            fresh = try await fetch(force)
            guard !fresh.accessToken.isEmpty, fresh.expiresIn > 0 else { throw WeChatError.malformedResponse("empty global access_token") }
        } catch {
            try? await store.releaseClaim(appID: appID)
            throw error
        }
        let expiresAt = clock.now().addingTimeInterval(TimeInterval(fresh.expiresIn))
        let stored = try sealer?.seal(fresh.accessToken, clientID: sealingContext) ?? fresh.accessToken
        try await store.save(appID: appID, token: StoredGlobalToken(accessToken: stored, expiresAt: expiresAt))
        return Usable(token: fresh.accessToken, stored: stored)
    }
}
