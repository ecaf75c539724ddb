import Foundation
import OIDC
import SQLKit

/// `ClientStore` over SQL (table `clients`). Every call reads the database, so a running server
/// sees changes made by the CLI at once.
struct SQLClientStore: ClientStore {
    let executor: any SQLExecutor

    /// Client metadata documents already decoded, by their stored text (read on every token
    /// request; the text is the key, so an updated client is decoded afresh).
    private static let decodedMetadata = DecodedJSONMemo<ClientMetadata>(capacity: 1_024)

    func create(_ client: ClientRecord) async throws {
        let values = try Self.values(client)
        let inserted = try await executor.run { database in
            try await database.insert(into: "clients")
                .columns(
                    "id", "name", "secret_hash", "redirect_uris", "auth_method", "metadata",
                    "registration_token_hash", "sealed_secret", "created_at", "updated_at"
                )
                .values(values)
                .ignoringConflicts()
                .returning("id")
                .first()
        }
        guard inserted != nil else { throw StorageError.conflict("client \(client.id) already exists") }
    }

    /// Runs on every token request, so the statement is written out rather than built (SQL
    /// shared by SQLite and PostgreSQL, binds placed by the dialect).
    func find(id: String) async throws -> ClientRecord? {
        try await executor.run { database in
            try await database.raw("SELECT \(unsafeRaw: Self.columns) FROM clients WHERE id = \(bind: id)").first()
                .map(Self.record(from:))
        }
    }

    /// Every column `record(from:)` reads.
    private static let columns = "id, name, secret_hash, redirect_uris, auth_method, metadata, registration_token_hash, "
        + "sealed_secret, created_at, updated_at"

    func list() async throws -> [ClientRecord] {
        try await executor.run { database in
            try await database.select().column("*").from("clients")
                .orderBy("created_at").orderBy("id")
                .all().map(Self.record(from:))
        }
    }

    func update(_ client: ClientRecord) async throws -> Bool {
        let secretHash = SQLColumnCoding.hex(client.secretHash)
        let redirectURIs = try SQLColumnCoding.json(client.redirectURIs)
        let metadata = try SQLColumnCoding.json(client.metadata)
        let registrationTokenHash = SQLColumnCoding.hex(client.registrationTokenHash)
        let updatedAt = SQLColumnCoding.millis(client.updatedAt)
        return try await executor.run { database in
            try await database.raw("""
                UPDATE clients SET name = \(bind: client.name), secret_hash = \(bind: secretHash), \
                redirect_uris = \(bind: redirectURIs), auth_method = \(bind: client.authMethod.rawValue), \
                metadata = \(bind: metadata), registration_token_hash = \(bind: registrationTokenHash), \
                sealed_secret = \(bind: client.sealedSecret), \
                updated_at = CASE WHEN updated_at >= \(bind: updatedAt) THEN updated_at + 1 ELSE \(bind: updatedAt) END \
                WHERE id = \(bind: client.id) RETURNING id
                """).first() != nil
        }
    }

    func delete(id: String) async throws -> Bool {
        try await executor.run { database in
            try await database.delete(from: "clients").where("id", .equal, id).returning("id").first() != nil
        }
    }

    private static func values(_ client: ClientRecord) throws -> [any Encodable & Sendable] {
        [
            client.id, client.name, SQLColumnCoding.hex(client.secretHash),
            try SQLColumnCoding.json(client.redirectURIs), client.authMethod.rawValue,
            try SQLColumnCoding.json(client.metadata), SQLColumnCoding.hex(client.registrationTokenHash),
            client.sealedSecret,
            SQLColumnCoding.millis(client.createdAt), SQLColumnCoding.millis(client.updatedAt),
        ]
    }

    private static func record(from row: any SQLRow) throws -> ClientRecord {
        ClientRecord(
            id: try row.string("id"),
            name: try row.string("name"),
            secretHash: try row.optionalHexData("secret_hash"),
            redirectURIs: try row.stringList("redirect_uris"),
            authMethod: try row.enumValue("auth_method", as: ClientRecord.AuthMethod.self),
            metadata: try decodedMetadata.decode(try row.string("metadata")),
            registrationTokenHash: try row.optionalHexData("registration_token_hash"),
            sealedSecret: try row.optionalString("sealed_secret"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}
