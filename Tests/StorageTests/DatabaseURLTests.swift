import Foundation
import Logging
@testable import Storage
import Testing

@Suite struct DatabaseURLTests {
    @Test(arguments: [
        ("data/wechat-oidc.sqlite", DatabaseLocation.sqlite(.file(path: "data/wechat-oidc.sqlite"))),
        ("/var/lib/wechat-oidc/db.sqlite", .sqlite(.file(path: "/var/lib/wechat-oidc/db.sqlite"))),
        ("sqlite://data/db.sqlite", .sqlite(.file(path: "data/db.sqlite"))),
        ("sqlite:///var/lib/db.sqlite", .sqlite(.file(path: "/var/lib/db.sqlite"))),
        ("SQLite:///var/lib/db.sqlite", .sqlite(.file(path: "/var/lib/db.sqlite"))),
        ("sqlite:db.sqlite", .sqlite(.file(path: "db.sqlite"))),
        ("sqlite::memory:", .sqlite(.memory)),
        (":memory:", .sqlite(.memory)),
        ("postgres://oidc:pw@localhost:5432/oidc", .postgres(url: "postgres://oidc:pw@localhost:5432/oidc")),
        ("postgresql://localhost/oidc", .postgres(url: "postgresql://localhost/oidc")),
    ])
    func parses(_ text: String, _ expected: DatabaseLocation) throws {
        #expect(try DatabaseLocation.parse(text) == expected)
    }

    @Test(arguments: ["", "   ", "sqlite://", "sqlite:", "mysql://localhost/db", "http://example.com/db",
                      "sqlite:///tmp/dir/", "sqlite:///tmp/db.sqlite?mode=ro"])
    func rejects(_ text: String) {
        let error = #expect(throws: StorageError.self) { try DatabaseLocation.parse(text) }
        #expect(error?.isInvalidURL == true)
    }

    @Test func rejectsANulByte() {
        let error = #expect(throws: StorageError.self) { try DatabaseLocation.parse("bad\u{0}path") }
        #expect(error?.isInvalidURL == true)
    }

    @Test func postgresIsRefusedClearlyForNow() async throws {
        do {
            _ = try await SQLStores.open(databaseURL: "postgres://localhost/oidc", logger: Logger(label: "test"))
            Issue.record("opening PostgreSQL should fail for now")
        } catch let error as StorageError {
            #expect(error.isInvalidURL)
            #expect(error.detail.hasPrefix("PostgreSQL support arrives later"))
        }
    }

    @Test func unknownSchemeIsRefusedByOpen() async throws {
        let error = await #expect(throws: StorageError.self) {
            _ = try await SQLStores.open(databaseURL: "mysql://localhost/db", logger: Logger(label: "test"))
        }
        #expect(error?.isInvalidURL == true)
        #expect(error?.detail.hasPrefix("unsupported database URL scheme 'mysql'") == true)
    }
}
