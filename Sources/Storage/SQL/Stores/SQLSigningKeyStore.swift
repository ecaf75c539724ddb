import Foundation
import SQLKit

/// `SigningKeyStore` over SQL (table `signing_keys`; a partial unique index allows one `active`
/// row per algorithm). Every change bumps the `signing_keys` row of `change_counters` in the same
/// transaction, which is what `version()` reads — so it also sees changes made by another process.
struct SQLSigningKeyStore: SigningKeyStore {
    private static let counterName = "signing_keys"
    /// Every change takes this lock, so changes run one after the other (see `SQLTransactionKind`).
    private static let lockName = "signing_keys"

    let executor: any SQLExecutor

    /// Throws `StorageError.conflict` when the kid exists, or when the key is `active` and
    /// another key of its algorithm already is.
    func create(_ key: SigningKeyRecord) async throws {
        let values: [any Encodable & Sendable] = [
            key.kid, key.algorithm, key.state.rawValue, key.fileName, SQLColumnCoding.millis(key.createdAt),
            SQLColumnCoding.millis(key.activatedAt), SQLColumnCoding.millis(key.retiredAt),
            SQLColumnCoding.millis(key.activatesAt),
        ]
        try await executor.transaction(.locking([Self.lockName])) { database in
            let inserted = try await database.insert(into: "signing_keys")
                .columns("kid", "algorithm", "state", "file_name", "created_at", "activated_at", "retired_at", "activates_at")
                .values(values)
                .ignoringConflicts()
                .returning("kid")
                .first()
            guard inserted != nil else {
                throw StorageError.conflict("signing key \(key.kid) exists, or another \(key.algorithm) key is already active")
            }
            try await Self.bumpVersion(on: database)
        }
    }

    func list() async throws -> [SigningKeyRecord] {
        try await executor.run { database in
            try await database.select().column("*").from("signing_keys")
                .orderBy("created_at").orderBy("kid")
                .all().map(Self.record(from:))
        }
    }

    /// Activating the key that is already active changes nothing.
    func activate(kid: String, now: Date) async throws {
        let nowMillis = SQLColumnCoding.millis(now)
        try await executor.transaction(.locking([Self.lockName])) { database in
            guard let row = try await Self.row(of: kid, on: database), row.state != .retired else {
                throw StorageError.notFound("no signing key \(kid) that can be activated")
            }
            if row.state == .active { return }
            try await Self.makeActive(kid: kid, algorithm: row.algorithm, nowMillis: nowMillis, on: database)
        }
    }

    /// The checks and the change run in one write transaction (SQLite takes the write lock at
    /// `BEGIN IMMEDIATE`, so promoters in other processes wait and then find the key active). The
    /// final `UPDATE` repeats the conditions, and a unique violation (another key of the algorithm
    /// became active meanwhile) rolls back: with a database that lets transactions overlap, a
    /// promoter that lost the race also gets `false`, never a second active key.
    func promote(kid: String, now: Date) async throws -> Bool {
        let nowMillis = SQLColumnCoding.millis(now)
        do {
            return try await executor.transaction(.locking([Self.lockName])) { database in
                guard let row = try await Self.row(of: kid, on: database), row.state == .next,
                      let due = row.activatesAt, due <= nowMillis
                else { return false }
                try await Self.makeActive(kid: kid, algorithm: row.algorithm, nowMillis: nowMillis, onlyIfDue: true, on: database)
                return true
            }
        } catch let error as StorageError where error.isConflict {
            return false
        }
    }

    /// Retiring a retired key changes nothing (its `retiredAt` stays). A retired key loses any
    /// scheduled activation.
    func retire(kid: String, now: Date) async throws {
        let nowMillis = SQLColumnCoding.millis(now)
        try await executor.transaction(.locking([Self.lockName])) { database in
            guard let row = try await Self.row(of: kid, on: database) else {
                throw StorageError.notFound("no signing key \(kid)")
            }
            if row.state == .retired { return }
            try await database.update("signing_keys")
                .set("state", to: SigningKeyRecord.State.retired.rawValue)
                .set("retired_at", to: nowMillis)
                .set("activates_at", to: SQLLiteral.null)
                .where("kid", .equal, kid)
                .run()
            try await Self.bumpVersion(on: database)
        }
    }

    func version() async throws -> Int {
        try await executor.run { database in
            let value = try await database.select().column("value").from("change_counters")
                .where("name", .equal, Self.counterName)
                .first(decodingColumn: "value", as: Int.self)
            return value ?? 0
        }
    }

    /// The active key of `algorithm` becomes `previous`, `kid` becomes `active`, and every other
    /// scheduled activation of `algorithm` is cancelled; then the version moves. With
    /// `onlyIfDue`, the last step only matches a key that is still a due `next` key, and throws
    /// `conflict` (rolling everything back) when it is not.
    private static func makeActive(
        kid: String, algorithm: String, nowMillis: Int64, onlyIfDue: Bool = false, on database: any SQLDatabase
    ) async throws {
        try await database.update("signing_keys")
            .set("state", to: SigningKeyRecord.State.previous.rawValue)
            .where("state", .equal, SigningKeyRecord.State.active.rawValue)
            .where("algorithm", .equal, algorithm)
            .run()
        try await database.update("signing_keys")
            .set("activates_at", to: SQLLiteral.null)
            .where("state", .equal, SigningKeyRecord.State.next.rawValue)
            .where("algorithm", .equal, algorithm)
            .where("kid", .notEqual, kid)
            .run()
        var activation = database.update("signing_keys")
            .set("state", to: SigningKeyRecord.State.active.rawValue)
            .set("activated_at", to: nowMillis)
            .set("activates_at", to: SQLLiteral.null)
            .where("kid", .equal, kid)
        if onlyIfDue {
            activation = activation
                .where("state", .equal, SigningKeyRecord.State.next.rawValue)
                .where("activates_at", .lessThanOrEqual, nowMillis)
        }
        guard try await activation.returning("kid").first() != nil else {
            throw StorageError.conflict("signing key \(kid) changed meanwhile")
        }
        try await bumpVersion(on: database)
    }

    private struct KeyRow {
        let state: SigningKeyRecord.State
        let algorithm: String
        let activatesAt: Int64?
    }

    private static func row(of kid: String, on database: any SQLDatabase) async throws -> KeyRow? {
        guard let row = try await database.select().columns("state", "algorithm", "activates_at")
            .from("signing_keys").where("kid", .equal, kid).first()
        else { return nil }
        return KeyRow(
            state: try row.enumValue("state", as: SigningKeyRecord.State.self),
            algorithm: try row.string("algorithm"),
            activatesAt: try row.decode(column: "activates_at", as: Int64?.self)
        )
    }

    private static func bumpVersion(on database: any SQLDatabase) async throws {
        try await database.update("change_counters")
            .set("value", to: SQLBinaryExpression(SQLColumn("value"), .add, SQLLiteral.numeric("1")))
            .where("name", .equal, counterName)
            .run()
    }

    private static func record(from row: any SQLRow) throws -> SigningKeyRecord {
        SigningKeyRecord(
            kid: try row.string("kid"),
            algorithm: try row.string("algorithm"),
            state: try row.enumValue("state", as: SigningKeyRecord.State.self),
            fileName: try row.string("file_name"),
            createdAt: try row.date("created_at"),
            activatedAt: try row.optionalDate("activated_at"),
            retiredAt: try row.optionalDate("retired_at"),
            activatesAt: try row.optionalDate("activates_at")
        )
    }
}
