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
        ("postgres://oidc:pw@localhost:5432/oidc",
         .postgres(PostgresLocation(host: "localhost", username: "oidc", password: "pw", database: "oidc"))),
        ("postgresql://oidc@db.internal/oidc",
         .postgres(PostgresLocation(host: "db.internal", username: "oidc", password: nil, database: "oidc"))),
        ("POSTGRES://oidc:pw@10.0.0.5:6432/wechat",
         .postgres(PostgresLocation(host: "10.0.0.5", port: 6432, username: "oidc", password: "pw", database: "wechat"))),
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

    // MARK: PostgreSQL URLs

    @Test func postgresDefaults() throws {
        let location = try postgres("postgres://oidc:pw@db/oidc")
        #expect(location.port == 5432)
        #expect(location.sslMode == .prefer)
        #expect(location.poolSize == PostgresLocation.defaultPoolSize)
        #expect(location.poolSize == 10)
        #expect(location.connectTimeoutSeconds == 10)
        #expect(location.schema == nil)
        #expect(location.sslRootCertificatePath == nil)
    }

    @Test func postgresOptions() throws {
        let location = try postgres(
            "postgresql://oidc:pw@db:5433/oidc?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem"
                + "&pool_size=25&connect_timeout=3&schema=tenant_1"
        )
        #expect(location.port == 5433)
        #expect(location.sslMode == .verifyFull)
        #expect(location.sslRootCertificatePath == "/etc/ssl/db-ca.pem")
        #expect(location.poolSize == 25)
        #expect(location.connectTimeoutSeconds == 3)
        #expect(location.schema == "tenant_1")
    }

    @Test(arguments: [
        ("disable", PostgresLocation.SSLMode.disable), ("prefer", .prefer), ("require", .require),
        ("verify-ca", .verifyCA), ("verify-full", .verifyFull),
    ])
    func postgresSSLModes(_ text: String, _ mode: PostgresLocation.SSLMode) throws {
        #expect(try postgres("postgres://u:p@h/d?sslmode=\(text)").sslMode == mode)
    }

    @Test func postgresUserAndPasswordArePercentDecoded() throws {
        let location = try postgres("postgres://us%40er:p%40ss%2Fw%23rd:x@h/my%20db")
        #expect(location.username == "us@er")
        #expect(location.password == "p@ss/w#rd:x")
        #expect(location.database == "my db")
    }

    @Test func postgresIPv6Host() throws {
        let location = try postgres("postgres://u:p@[::1]:5433/d")
        #expect(location.host == "::1")
        #expect(location.port == 5433)
        #expect(location.redactedURL.hasPrefix("postgres://u:***@[::1]:5433/d?"))
    }

    @Test(arguments: [
        ("postgres://db/oidc", "names no user"),
        ("postgres://u:p@/oidc", "names no host"),
        ("postgres://u:p@db", "names no database"),
        ("postgres://u:p@db/", "names no database"),
        ("postgres://u:p@db/a/b", "must not contain '/'"),
        ("postgres://u:p#w@db/oidc", "does not parse"),
        ("postgres://u:p@db/oidc?sslmode=verify", "sslmode must be one of disable, prefer, require, verify-ca, verify-full"),
        ("postgres://u:p@db/oidc?sslmode=", "sslmode must be one of"),
        ("postgres://u:p@db/oidc?pool_size=0", "pool_size must be an integer in 1...200"),
        ("postgres://u:p@db/oidc?pool_size=201", "pool_size must be an integer in 1...200"),
        ("postgres://u:p@db/oidc?pool_size=ten", "pool_size must be an integer in 1...200"),
        ("postgres://u:p@db/oidc?connect_timeout=0", "connect_timeout must be an integer in 1...300"),
        ("postgres://u:p@db/oidc?pool_size=2&pool_size=3", "'pool_size' is given twice"),
        ("postgres://u:p@db/oidc?poolsize=3", "unknown PostgreSQL URL option 'poolsize'"),
        ("postgres://u:p@db/oidc?sslrootcert=/ca.pem", "sslrootcert is only used with sslmode=verify-ca or sslmode=verify-full"),
        ("postgres://u:p@db/oidc?schema=Public", "schema must be"),
        ("postgres://u:p@db/oidc?schema=a;drop", "schema must be"),
        ("postgres://u:p@db/oidc?schema=1abc", "schema must be"),
        ("postgres://u:p@db:0/oidc", "port must be in 1...65535"),
    ])
    func postgresRejects(_ text: String, _ message: String) {
        let error = #expect(throws: StorageError.self) { try DatabaseLocation.parse(text) }
        #expect(error?.isInvalidURL == true)
        #expect(error?.detail.contains(message) == true, "\(error?.detail ?? "")")
    }

    @Test func thePasswordIsNeverShownOrInAnError() throws {
        let secret = "s3cr3t-Pa55"
        let location = try DatabaseLocation.parse("postgres://oidc:\(secret)@db:5432/oidc?pool_size=4")
        #expect(location.description == "postgres://oidc:***@db:5432/oidc?sslmode=prefer&pool_size=4")
        for text in [String(describing: location), String(reflecting: location), "\(location)"] {
            #expect(!text.contains(secret), "\(text)")
        }
        guard case .postgres(let postgres) = location else { return }
        var dumped = ""
        dump(postgres, to: &dumped)
        #expect(!dumped.contains(secret))
        #expect(SQLStores.redacted(databaseURL: "postgres://oidc:\(secret)@db/oidc") == "postgres://oidc:***@db:5432/oidc?sslmode=prefer&pool_size=10")
        #expect(SQLStores.redacted(databaseURL: "postgres://oidc:\(secret)@db/oidc?pool_size=0") == "(an invalid database URL)")
        #expect(SQLStores.redacted(databaseURL: "sqlite://data/db.sqlite") == "sqlite://data/db.sqlite")
        #expect(SQLStores.redacted(databaseURL: "data/db.sqlite") == "sqlite://data/db.sqlite")

        let error = #expect(throws: StorageError.self) {
            try DatabaseLocation.parse("postgres://oidc:\(secret)@db/oidc?bogus=\(secret)x")
        }
        #expect(error?.detail.contains(secret) == false)
    }

    /// Needs no server: nothing listens on port 1, so the connection is refused at once.
    @Test func anUnreachablePostgresServerFailsClearly() async throws {
        let error = await #expect(throws: StorageError.self) {
            _ = try await SQLStores.open(
                databaseURL: "postgres://oidc:pw@127.0.0.1:1/oidc?sslmode=disable&connect_timeout=5",
                logger: Logger(label: "test")
            )
        }
        #expect(error?.isBackend == true)
        #expect(error?.detail.hasPrefix("cannot connect to PostgreSQL as oidc@127.0.0.1:1/oidc (sslmode=disable)") == true,
                "\(error?.detail ?? "")")
        #expect(error?.detail.contains("pw") == false)
    }

    private func postgres(_ text: String) throws -> PostgresLocation {
        guard case .postgres(let location) = try DatabaseLocation.parse(text) else {
            throw StorageError.invalidURL("not parsed as PostgreSQL")
        }
        return location
    }

    @Test func unknownSchemeIsRefusedByOpen() async throws {
        let error = await #expect(throws: StorageError.self) {
            _ = try await SQLStores.open(databaseURL: "mysql://localhost/db", logger: Logger(label: "test"))
        }
        #expect(error?.isInvalidURL == true)
        #expect(error?.detail.hasPrefix("unsupported database URL scheme 'mysql'") == true)
    }
}
