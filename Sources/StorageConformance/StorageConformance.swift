import Storage

/// The shared suite every store backend must pass (in the manner of dex's `storage/conformance`).
///
/// ```swift
/// @Test(arguments: StorageConformance.checks)
/// func sqlite(_ check: StorageConformanceCheck) async throws {
///     try await StorageConformance.run(check) { try await SQLStores.open(databaseURL: ":memory:", logger: logger) }
/// }
/// ```
public enum StorageConformance {
    /// Every check, grouped by store.
    public static let checks: [StorageConformanceCheck] =
        ClientStoreChecks.all
        + AuthorizationStoreChecks.all
        + CodeStoreChecks.all
        + TokenStoreChecks.all
        + UserStoreChecks.all
        + SessionStoreChecks.all
        + RefreshTokenStoreChecks.all
        + PushedAuthorizationStoreChecks.all
        + ReplayCacheStoreChecks.all
        + SigningKeyStoreChecks.all
        + GlobalTokenStoreChecks.all
        + FollowSceneStoreChecks.all
        + PurgeChecks.all

    /// Runs `check` on stores from `makeStores` (which must return empty stores), then shuts them down.
    public static func run(
        _ check: StorageConformanceCheck, makeStores: @Sendable () async throws -> Stores
    ) async throws {
        let stores = try await makeStores()
        do {
            try await check.run(on: stores)
        } catch {
            try? await stores.shutdown()
            throw error
        }
        try await stores.shutdown()
    }

    /// Runs every check, each on fresh stores from `makeStores`.
    public static func run(makeStores: @Sendable () async throws -> Stores) async throws {
        for check in checks {
            try await run(check, makeStores: makeStores)
        }
    }
}
