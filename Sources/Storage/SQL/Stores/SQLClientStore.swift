import Foundation
import OIDC
import SQLKit

/// `ClientStore` over SQL (table `clients`). Every call reads the database, so a running server
/// sees changes made by the CLI at once.
struct SQLClientStore: ClientStore {
    let executor: any SQLExecutor

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

    func find(id: String) async throws -> ClientRecord? {
        try await executor.run { database in
            try await database.select().column("*").from("clients").where("id", .equal, id).first()
                .map(Self.record(from:))
        }
    }

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
            try await database.update("clients")
                .set("name", to: client.name)
                .set("secret_hash", to: secretHash)
                .set("redirect_uris", to: redirectURIs)
                .set("auth_method", to: client.authMethod.rawValue)
                .set("metadata", to: metadata)
                .set("registration_token_hash", to: registrationTokenHash)
                .set("sealed_secret", to: client.sealedSecret)
                .set("updated_at", to: updatedAt)
                .where("id", .equal, client.id)
                .returning("id")
                .first() != nil
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
            metadata: try SQLColumnCoding.decodeJSON(ClientMetadata.self, from: try row.string("metadata")),
            registrationTokenHash: try row.optionalHexData("registration_token_hash"),
            sealedSecret: try row.optionalString("sealed_secret"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}
