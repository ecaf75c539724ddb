import SQLKit

extension Migration {
    /// Version 5: "follow the Official Account to log in" (WECHAT.md §5).
    ///
    /// - `global_tokens`: the Official Account's global access_token per appid, shared by every
    ///   replica (§5.1: "cached and **shared by every replica** (one fetch, single-flight,
    ///   refreshed before expiry)"). `refresh_lease_until` is the single-flight lease (0: none);
    ///   an empty `access_token` means none was fetched yet.
    /// - `follow_scenes`: one-time QR scenes (§5.2 "an unguessable one-time value"), bound to
    ///   the pending authorization and the browser; `open_id` is who scanned (§5.4: never sent
    ///   to the browser).
    static let followLogin = Migration(version: 5, name: "follow to log in") { database in
        try await database.create(table: "global_tokens")
            .column("app_id", type: .text, .primaryKey(autoIncrement: false))
            .column("access_token", type: .text, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("refresh_lease_until", type: .bigint, .notNull)
            .run()
        try await database.create(table: "follow_scenes")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("upstream_state", type: .text, .notNull)
            .column("browser_binding_hash", type: .text, .notNull)
            .column("state", type: .text, .notNull)
            .column("open_id", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .run()
        try await database.create(index: "follow_scenes_expires_at").on("follow_scenes").column("expires_at").run()
    }
}
