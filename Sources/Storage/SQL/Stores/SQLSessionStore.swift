import Foundation
import SQLKit

/// `SessionStore` over SQL (table `browser_sessions`).
struct SQLSessionStore: SessionStore {
    let executor: any SQLExecutor

    func create(_ session: BrowserSessionRecord) async throws {
        let values: [any Encodable & Sendable] = [
            session.id, SQLColumnCoding.hex(session.cookieHash), session.userID,
            SQLColumnCoding.millis(session.authTime), try SQLColumnCoding.json(session.amr),
            SQLColumnCoding.millis(session.createdAt), SQLColumnCoding.millis(session.expiresAt),
        ]
        let inserted = try await executor.run { database in
            try await database.insert(into: "browser_sessions")
                .columns("id", "cookie_hash", "user_id", "auth_time", "amr", "created_at", "expires_at")
                .values(values)
                .ignoringConflicts()
                .returning("id")
                .first()
        }
        guard inserted != nil else { throw StorageError.conflict("session id or cookie hash exists") }
    }

    /// Valid while `now < expiresAt`.
    func find(cookieHash: Data, now: Date) async throws -> BrowserSessionRecord? {
        let hash = SQLColumnCoding.hex(cookieHash)
        return try await executor.run { database in
            try await database.select().column("*").from("browser_sessions")
                .where("cookie_hash", .equal, hash)
                .where("expires_at", .greaterThan, SQLColumnCoding.millis(now))
                .first()
                .map(Self.record(from:))
        }
    }

    func find(id: String, now: Date) async throws -> BrowserSessionRecord? {
        try await executor.run { database in
            try await database.select().column("*").from("browser_sessions")
                .where("id", .equal, id)
                .where("expires_at", .greaterThan, SQLColumnCoding.millis(now))
                .first()
                .map(Self.record(from:))
        }
    }

    /// Idempotent: a client already recorded stays recorded once. An unknown session is ignored.
    func addClient(sessionID: String, clientID: String) async throws {
        try await executor.transaction { database in
            guard try await database.select().column("id").from("browser_sessions")
                .where("id", .equal, sessionID).first() != nil
            else { return }
            try await database.insert(into: "session_clients")
                .columns("session_id", "client_id")
                .values(sessionID, clientID)
                .ignoringConflicts()
                .run()
        }
    }

    func clientIDs(sessionID: String) async throws -> [String] {
        try await executor.run { database in
            try await database.select().column("client_id").from("session_clients")
                .where("session_id", .equal, sessionID)
                .orderBy("client_id")
                .all().map { try $0.string("client_id") }
        }
    }

    func delete(id: String) async throws -> Bool {
        try await executor.run { database in
            try await database.delete(from: "browser_sessions").where("id", .equal, id)
                .returning("id").first() != nil
        }
    }

    func purgeExpired(now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.delete(from: "browser_sessions")
                .where("expires_at", .lessThanOrEqual, SQLColumnCoding.millis(now))
                .returning("id")
                .all().count
        }
    }

    private static func record(from row: any SQLRow) throws -> BrowserSessionRecord {
        BrowserSessionRecord(
            id: try row.string("id"),
            cookieHash: try row.hexData("cookie_hash"),
            userID: try row.string("user_id"),
            authTime: try row.date("auth_time"),
            amr: try row.stringList("amr"),
            createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at")
        )
    }
}
