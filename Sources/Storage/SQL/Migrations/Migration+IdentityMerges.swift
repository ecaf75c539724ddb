import SQLKit

extension Migration {
    /// Version 4: one person behind every WeChat door.
    ///
    /// - `users.merged_into`: set when an openid-only account was folded into the person a
    ///   unionid names (WECHAT.md §7: "Keying users on openid from one app and unionid from
    ///   another creates duplicate accounts"). A merged account keeps its row (its id is never
    ///   reused: OIDC Core §2, `sub` is "never reassigned") but is no longer found, so its tokens
    ///   stop working; `NULL` for every existing row.
    /// - `identity_merges`: the audit trail of merges and manual relinks. No foreign keys: the
    ///   trail outlives whatever it names.
    static let identityMerges = Migration(version: 4, name: "identity merges") { database in
        try await database.execute(sql: SQLRaw("ALTER TABLE users ADD COLUMN merged_into TEXT")) { _ in }
        try await database.create(table: "identity_merges")
            .column("from_user_id", type: .text, .notNull)
            .column("into_user_id", type: .text, .notNull)
            .column("key_kind", type: .text, .notNull)
            .column("key_namespace", type: .text, .notNull)
            .column("key_subject", type: .text, .notNull)
            .column("reason", type: .text, .notNull)
            .column("merged_at", type: .bigint, .notNull)
            .run()
        try await database.create(index: "identity_merges_from").on("identity_merges").column("from_user_id").run()
        try await database.create(index: "identity_merges_into").on("identity_merges").column("into_user_id").run()
    }
}
