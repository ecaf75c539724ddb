import Foundation
import SQLKit

/// `PushedAuthorizationStore` over SQL (table `pushed_authorizations`).
struct SQLPushedAuthorizationStore: PushedAuthorizationStore {
    let executor: any SQLExecutor

    func create(_ request: PushedAuthorizationRecord) async throws {
        let values: [any Encodable & Sendable] = [
            request.requestURI, request.clientID, try SQLColumnCoding.json(request.parameters),
            SQLColumnCoding.millis(request.createdAt), SQLColumnCoding.millis(request.expiresAt),
        ]
        let inserted = try await executor.run { database in
            try await database.insert(into: "pushed_authorizations")
                .columns("request_uri", "client_id", "parameters", "created_at", "expires_at")
                .values(values)
                .ignoringConflicts()
                .returning("request_uri")
                .first()
        }
        guard inserted != nil else { throw StorageError.conflict("request_uri exists") }
    }

    /// `DELETE … RETURNING`: one caller gets the row; an expired row is removed and not returned.
    func consume(requestURI: String, now: Date) async throws -> PushedAuthorizationRecord? {
        let row = try await executor.run { database in
            try await database.delete(from: "pushed_authorizations")
                .where("request_uri", .equal, requestURI)
                .returning("*")
                .first()
                .map(Self.record(from:))
        }
        guard let row, row.expiresAt > now else { return nil }
        return row
    }

    func purgeExpired(now: Date) async throws -> Int {
        try await executor.run { database in
            try await database.delete(from: "pushed_authorizations")
                .where("expires_at", .lessThanOrEqual, SQLColumnCoding.millis(now))
                .returning("request_uri")
                .all().count
        }
    }

    private static func record(from row: any SQLRow) throws -> PushedAuthorizationRecord {
        PushedAuthorizationRecord(
            requestURI: try row.string("request_uri"),
            clientID: try row.string("client_id"),
            parameters: try SQLColumnCoding.decodeJSON([[String]].self, from: try row.string("parameters")),
            createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at")
        )
    }
}
