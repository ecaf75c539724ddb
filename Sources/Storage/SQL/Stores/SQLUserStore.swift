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
    /// A key already linked to another user stays with that user (identities are never moved).
    /// `updatedAt` becomes `now` only when a profile value actually changed.
    func findOrCreate(
        identities: [IdentityKey], profile: ProfileUpdate, newUserID: String, now: Date
    ) async throws -> UserRecord {
        guard !identities.isEmpty else {
            throw StorageError.backend("findOrCreate needs at least one identity key")
        }
        let nowMillis = SQLColumnCoding.millis(now)
        let dialect = executor.profile
        return try await executor.transaction(.locking(identities.map(Self.lockName(of:)))) { database in
            var ownerID: String?
            var linkedKeys: Set<IdentityKey> = []
            for key in identities {
                if let owner = try await Self.owner(of: key, on: database) {
                    linkedKeys.insert(key)
                    if ownerID == nil { ownerID = owner }
                }
            }

            let user: UserRecord
            if let ownerID {
                // Identity locks are all taken before any user lock, and one user lock at most:
                // no two transactions can wait for each other in a cycle.
                try await dialect.lock([Self.lockName(ofUser: ownerID)], on: database)
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

            for key in identities where !linkedKeys.contains(key) {
                try await database.insert(into: "identities")
                    .columns("kind", "namespace", "subject", "user_id", "linked_at")
                    .values(key.kind.rawValue, key.namespace, key.subject, user.id, nowMillis)
                    .ignoringConflicts()
                    .run()
                linkedKeys.insert(key)
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
        try await database.select().column("*").from("users").where("id", .equal, id).first()
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
