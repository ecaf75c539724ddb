import Foundation
import SQLKit

/// `UserStore` over SQL (tables `users` and `identities`; an identity key is the primary key
/// `(kind, namespace, subject)` of `identities`, so one key names at most one user).
struct SQLUserStore: UserStore {
    let executor: any SQLExecutor

    /// In one transaction holding a lock per identity key (so two logins naming the same person
    /// run one after the other, and logins of different people in parallel): look the keys up in
    /// the order given, take the first owner, otherwise insert `newUserID`; link the keys nobody
    /// owns yet; apply the non-nil profile values, holding the owner's lock too (logins through
    /// different keys of one user then cannot overwrite each other's profile update).
    /// A key already linked to another user stays with that user, unless the login brings a
    /// unionid and that user has none: then it is an openid-only account of the same person,
    /// merged into the owner (keys moved, row marked `merged_into`, sessions ended, audit row).
    /// `updatedAt` becomes `now` only when a profile value actually changed.
    func findOrCreate(
        identities: [IdentityKey], profile: ProfileUpdate, newUserID: String, now: Date
    ) async throws -> UserRecord {
        guard !identities.isEmpty else {
            throw StorageError.backend("findOrCreate needs at least one identity key")
        }
        let nowMillis = SQLColumnCoding.millis(now)
        let dialect = executor.profile
        let bringsUnionID = identities.contains { $0.kind == .unionID }
        return try await executor.transaction(.locking(identities.map(Self.lockName(of:)))) { database in
            var ownerID: String?
            var owners: [IdentityKey: String] = [:]
            for key in identities {
                if let owner = try await Self.owner(of: key, on: database) {
                    owners[key] = owner
                    if ownerID == nil { ownerID = owner }
                }
            }

            let user: UserRecord
            if let ownerID {
                // Identity locks are all taken before any user lock, and user locks in sorted
                // order in one statement: no two transactions can wait for each other in a cycle.
                let others = Set(owners.values).subtracting([ownerID])
                let strays = bringsUnionID ? others : []
                try await dialect.lock(([ownerID] + strays).sorted().map(Self.lockName(ofUser:)), on: database)
                for stray in strays.sorted() {
                    // An account with a unionid of its own is another person: never merged.
                    if try await Self.hasUnionID(stray, on: database) { continue }
                    guard let key = identities.first(where: { owners[$0] == stray }) else { continue }
                    try await Self.merge(stray, into: ownerID, key: key, reason: "login", nowMillis: nowMillis, on: database)
                    for (linked, owner) in owners where owner == stray { owners[linked] = ownerID }
                }
                user = try await Self.applyProfile(profile, toUser: ownerID, nowMillis: nowMillis, on: database)
            } else {
                user = UserRecord(
                    id: newUserID, nickname: profile.nickname, pictureURL: profile.pictureURL,
                    locale: profile.locale, createdAt: SQLColumnCoding.date(millis: nowMillis),
                    updatedAt: SQLColumnCoding.date(millis: nowMillis)
                )
                let inserted = try await database.insert(into: "users")
                    .columns("id", "nickname", "picture_url", "locale", "created_at", "updated_at")
                    .values(user.id, user.nickname, user.pictureURL, user.locale, nowMillis, nowMillis)
                    .ignoringConflicts()
                    .returning("id")
                    .first()
                guard inserted != nil else { throw StorageError.conflict("user \(newUserID) already exists") }
            }

            for key in identities where owners[key] == nil {
                try await database.insert(into: "identities")
                    .columns("kind", "namespace", "subject", "user_id", "linked_at")
                    .values(key.kind.rawValue, key.namespace, key.subject, user.id, nowMillis)
                    .ignoringConflicts()
                    .run()
                owners[key] = user.id
            }
            return user
        }
    }

    func find(id: String) async throws -> UserRecord? {
        try await executor.run { database in
            try await Self.user(id: id, on: database)
        }
    }

    func user(identifiedBy identities: [IdentityKey]) async throws -> UserRecord? {
        try await executor.run { database in
            for key in identities {
                if let owner = try await Self.owner(of: key, on: database) {
                    return try await Self.user(id: owner, on: database)
                }
            }
            return nil
        }
    }

    /// Oldest link first.
    func identities(ofUser userID: String) async throws -> [IdentityKey] {
        try await executor.run { database in
            try await database.select().columns("kind", "namespace", "subject").from("identities")
                .where("user_id", .equal, userID)
                .orderBy("linked_at").orderBy("kind").orderBy("namespace").orderBy("subject")
                .all()
                .map { row in
                    IdentityKey(
                        kind: try row.enumValue("kind", as: IdentityKey.Kind.self),
                        namespace: try row.string("namespace"),
                        subject: try row.string("subject")
                    )
                }
        }
    }

    func merges(involving userID: String) async throws -> [IdentityMerge] {
        try await executor.run { database in
            try await database.select().column("*").from("identity_merges")
                .where("from_user_id", .equal, userID).orWhere("into_user_id", .equal, userID)
                .orderBy("merged_at").orderBy("from_user_id")
                .all()
                .map { row in
                    IdentityMerge(
                        fromUserID: try row.string("from_user_id"), intoUserID: try row.string("into_user_id"),
                        key: IdentityKey(
                            kind: try row.enumValue("key_kind", as: IdentityKey.Kind.self),
                            namespace: try row.string("key_namespace"), subject: try row.string("key_subject")
                        ),
                        reason: try row.string("reason"), mergedAt: try row.date("merged_at")
                    )
                }
        }
    }

    func link(_ key: IdentityKey, toUser userID: String, now: Date) async throws -> String? {
        let nowMillis = SQLColumnCoding.millis(now)
        let dialect = executor.profile
        return try await executor.transaction(.locking([Self.lockName(of: key)])) { database in
            let previous = try await Self.owner(of: key, on: database)
            try await dialect.lock(([userID] + (previous.map { [$0] } ?? [])).sorted().map(Self.lockName(ofUser:)), on: database)
            guard try await Self.user(id: userID, on: database) != nil else {
                throw StorageError.notFound("no user \(userID)")
            }
            guard let previous else {
                try await database.insert(into: "identities")
                    .columns("kind", "namespace", "subject", "user_id", "linked_at")
                    .values(key.kind.rawValue, key.namespace, key.subject, userID, nowMillis)
                    .run()
                return nil
            }
            guard previous != userID else { return nil }
            try await database.update("identities").set("user_id", to: userID).set("linked_at", to: nowMillis)
                .where("kind", .equal, key.kind.rawValue).where("namespace", .equal, key.namespace).where("subject", .equal, key.subject)
                .run()
            try await Self.audit(from: previous, into: userID, key: key, reason: "manual", nowMillis: nowMillis, on: database)
            let remaining = try await database.select().column("kind").from("identities").where("user_id", .equal, previous).first()
            if remaining == nil {
                try await Self.retire(previous, into: userID, nowMillis: nowMillis, on: database)
            }
            return previous
        }
    }

    /// Folds the openid-only account `stray` into `ownerID`: every key moves, the account is
    /// retired, and the merge is recorded.
    private static func merge(
        _ stray: String, into ownerID: String, key: IdentityKey, reason: String, nowMillis: Int64, on database: any SQLDatabase
    ) async throws {
        try await database.update("identities").set("user_id", to: ownerID).where("user_id", .equal, stray).run()
        try await retire(stray, into: ownerID, nowMillis: nowMillis, on: database)
        try await audit(from: stray, into: ownerID, key: key, reason: reason, nowMillis: nowMillis, on: database)
    }

    /// Marks `userID` merged into `ownerID` (no longer found; its id is never reused) and ends
    /// everything issued to it: browser sessions and unused codes go, access and refresh tokens
    /// are revoked, so no token can name the retired `sub` again.
    private static func retire(_ userID: String, into ownerID: String, nowMillis: Int64, on database: any SQLDatabase) async throws {
        try await database.update("users").set("merged_into", to: ownerID).set("updated_at", to: nowMillis)
            .where("id", .equal, userID).run()
        try await database.delete(from: "browser_sessions").where("user_id", .equal, userID).run()
        try await database.delete(from: "authorization_codes").where("user_id", .equal, userID).run()
        for table in ["access_tokens", "refresh_tokens"] {
            try await database.update(table).set("revoked_at", to: nowMillis)
                .where("user_id", .equal, userID).where("revoked_at", .is, SQLLiteral.null).run()
        }
    }

    private static func audit(
        from: String, into: String, key: IdentityKey, reason: String, nowMillis: Int64, on database: any SQLDatabase
    ) async throws {
        try await database.insert(into: "identity_merges")
            .columns("from_user_id", "into_user_id", "key_kind", "key_namespace", "key_subject", "reason", "merged_at")
            .values(from, into, key.kind.rawValue, key.namespace, key.subject, reason, nowMillis)
            .run()
    }

    private static func hasUnionID(_ userID: String, on database: any SQLDatabase) async throws -> Bool {
        try await database.select().column("kind").from("identities")
            .where("user_id", .equal, userID).where("kind", .equal, IdentityKey.Kind.unionID.rawValue)
            .first() != nil
    }

    /// The lock taken by every transaction that reads or links `key`.
    private static func lockName(of key: IdentityKey) -> String {
        "identity/\(key.kind.rawValue)/\(key.namespace)/\(key.subject)"
    }

    /// The lock taken before a user's profile is read and rewritten.
    private static func lockName(ofUser id: String) -> String {
        "user/\(id)"
    }

    private static func owner(of key: IdentityKey, on database: any SQLDatabase) async throws -> String? {
        try await database.select().column("user_id").from("identities")
            .where("kind", .equal, key.kind.rawValue)
            .where("namespace", .equal, key.namespace)
            .where("subject", .equal, key.subject)
            .first(decodingColumn: "user_id", as: String.self)
    }

    private static func user(id: String, on database: any SQLDatabase) async throws -> UserRecord? {
        // A merged account is no longer found (its tokens stop working); its row stays.
        try await database.select().column("*").from("users").where("id", .equal, id).where("merged_into", .is, SQLLiteral.null).first()
            .map { row in
                UserRecord(
                    id: try row.string("id"),
                    nickname: try row.optionalString("nickname"),
                    pictureURL: try row.optionalString("picture_url"),
                    locale: try row.optionalString("locale"),
                    createdAt: try row.date("created_at"),
                    updatedAt: try row.date("updated_at")
                )
            }
    }

    private static func applyProfile(
        _ profile: ProfileUpdate, toUser id: String, nowMillis: Int64, on database: any SQLDatabase
    ) async throws -> UserRecord {
        guard var user = try await user(id: id, on: database) else {
            throw StorageError.backend("identity links to missing user \(id)")
        }
        let before = user
        if let nickname = profile.nickname { user.nickname = nickname }
        if let pictureURL = profile.pictureURL { user.pictureURL = pictureURL }
        if let locale = profile.locale { user.locale = locale }
        guard user != before else { return user }
        user.updatedAt = SQLColumnCoding.date(millis: nowMillis)
        try await database.update("users")
            .set("nickname", to: user.nickname)
            .set("picture_url", to: user.pictureURL)
            .set("locale", to: user.locale)
            .set("updated_at", to: nowMillis)
            .where("id", .equal, id)
            .run()
        return user
    }
}
