import Foundation
import SQLKit

/// `SigningKeyStore` over SQL (table `signing_keys`; a partial unique index allows one `active`
/// row). Every change bumps the `signing_keys` row of `change_counters` in the same transaction,
/// which is what `version()` reads — so it also sees changes made by another process.
struct SQLSigningKeyStore: SigningKeyStore {
    private static let counterName = "signing_keys"
    /// Every change takes this lock, so changes run one after the other (see `SQLTransactionKind`).
    private static let lockName = "signing_keys"

    let executor: any SQLExecutor

    /// Throws `StorageError.conflict` when the kid exists, or when the key is `active` and
    /// another key already is.
    func create(_ key: SigningKeyRecord) async throws {
        let values: [any Encodable & Sendable] = [
            key.kid, key.algorithm, key.state.rawValue, key.fileName, SQLColumnCoding.millis(key.createdAt),
            SQLColumnCoding.millis(key.activatedAt), SQLColumnCoding.millis(key.retiredAt),
        ]
        try await executor.transaction(.locking([Self.lockName])) { database in
            let inserted = try await database.insert(into: "signing_keys")
                .columns("kid", "algorithm", "state", "file_name", "created_at", "activated_at", "retired_at")
                .values(values)
                .ignoringConflicts()
                .returning("kid")
                .first()
            guard inserted != nil else {
                throw StorageError.conflict("signing key \(key.kid) exists, or another key is already active")
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
            let state = try await Self.state(of: kid, on: database)
            guard let state, state != .retired else {
                throw StorageError.notFound("no signing key \(kid) that can be activated")
            }
            if state == .active { return }
            try await database.update("signing_keys")
                .set("state", to: SigningKeyRecord.State.previous.rawValue)
                .where("state", .equal, SigningKeyRecord.State.active.rawValue)
                .run()
            try await database.update("signing_keys")
                .set("state", to: SigningKeyRecord.State.active.rawValue)
                .set("activated_at", to: nowMillis)
                .where("kid", .equal, kid)
                .run()
            try await Self.bumpVersion(on: database)
        }
    }

    /// Retiring a retired key changes nothing (its `retiredAt` stays).
    func retire(kid: String, now: Date) async throws {
        let nowMillis = SQLColumnCoding.millis(now)
        try await executor.transaction(.locking([Self.lockName])) { database in
            guard let state = try await Self.state(of: kid, on: database) else {
                throw StorageError.notFound("no signing key \(kid)")
            }
            if state == .retired { return }
            try await database.update("signing_keys")
                .set("state", to: SigningKeyRecord.State.retired.rawValue)
                .set("retired_at", to: nowMillis)
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

    private static func state(of kid: String, on database: any SQLDatabase) async throws -> SigningKeyRecord.State? {
        try await database.select().column("state").from("signing_keys").where("kid", .equal, kid)
            .first()
            .map { try $0.enumValue("state", as: SigningKeyRecord.State.self) }
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
            retiredAt: try row.optionalDate("retired_at")
        )
    }
}
