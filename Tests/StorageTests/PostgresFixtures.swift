import Foundation
import SQLKit
import Storage

/// Records and queries shared by the PostgreSQL tests.
enum PostgresFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func client(_ id: String) -> ClientRecord {
        ClientRecord(
            id: id, name: "RP", secretHash: Data([0, 1, 0xfe, 0xff]), redirectURIs: ["https://rp/cb"],
            authMethod: .clientSecretBasic, createdAt: t0, updatedAt: t0
        )
    }

    /// The number of rows in `table`.
    static func count(_ table: String, on database: any SQLDatabase) async throws -> Int {
        try await database.raw("SELECT count(*) AS n FROM \(ident: table)").first()
            .map { try $0.decode(column: "n", as: Int.self) } ?? -1
    }
}
