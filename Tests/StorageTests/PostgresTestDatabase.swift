import Foundation
import Logging
import SQLKit
@testable import Storage
import Testing

/// The PostgreSQL server the PostgreSQL tests use, named by `WECHAT_OIDC_TEST_POSTGRES_URL`
/// (`.ci/run` starts one; see the README). Each test works in a schema of its own, created
/// empty for it and dropped afterwards, so tests and runs never see each other's rows.
enum PostgresTestDatabase {
    static let environmentVariable = "WECHAT_OIDC_TEST_POSTGRES_URL"

    static let url: String? = ProcessInfo.processInfo.environment[environmentVariable].flatMap {
        $0.isEmpty ? nil : $0
    }

    static var isConfigured: Bool { url != nil }

    static let logger = Logger(label: "storage-tests.postgres")

    /// The configured URL; fails the test when there is none (the suites are disabled then).
    static func requireURL() throws -> String {
        try #require(url, "\(environmentVariable) is not set")
    }

    /// `url` with `options` (`name=value&…`) added to its query.
    static func url(_ base: String, adding options: String) -> String {
        guard !options.isEmpty else { return base }
        return base + (base.contains("?") ? "&" : "?") + options
    }

    /// Creates an empty schema, runs `body` with the test URL pointing at it (plus `options`),
    /// and drops the schema with everything in it, whether `body` succeeds or not.
    static func withFreshSchema<T: Sendable>(
        options: String = "", _ body: (_ url: String, _ schema: String) async throws -> T
    ) async throws -> T {
        let base = try requireURL()
        let schema = "wechat_oidc_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin(base) { database in
            try await database.raw("CREATE SCHEMA \(unsafeRaw: schema)").run()
        }
        let value: T
        do {
            value = try await body(url(base, adding: "schema=\(schema)"), schema)
        } catch {
            try? await dropSchema(schema, base: base)
            throw error
        }
        try await dropSchema(schema, base: base)
        return value
    }

    private static func dropSchema(_ schema: String, base: String) async throws {
        try await admin(base) { database in
            try await database.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run()
        }
    }

    /// Runs `body` on a one-connection executor for `url` (no migrations).
    static func admin<T: Sendable>(
        _ url: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let executor = try await openExecutor(url)
        do {
            let value = try await executor.run(body)
            try await executor.close()
            return value
        } catch {
            try? await executor.close()
            throw error
        }
    }

    /// A `PostgresExecutor` for `url`, not migrated.
    static func openExecutor(_ url: String, logger: Logger = logger) async throws -> PostgresExecutor {
        guard case .postgres(let location) = try DatabaseLocation.parse(url) else {
            throw StorageError.invalidURL("\(environmentVariable) is not a postgres:// URL")
        }
        return try await PostgresExecutor.open(location, logger: logger)
    }
}

/// Shown in the test report when the PostgreSQL suites are skipped.
let postgresSkipReason: Comment = """
    WECHAT_OIDC_TEST_POSTGRES_URL is not set; to run the PostgreSQL tests, set it to \
    postgres://USER:PASSWORD@HOST:PORT/DATABASE, a database in which USER may create schemas \
    (.ci/postgres-test-cluster starts a throwaway server)
    """
