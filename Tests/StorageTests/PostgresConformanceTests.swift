import Logging
import Storage
import StorageConformance
import Testing

/// The shared conformance suite against a real PostgreSQL server, each check in a fresh schema.
///
/// Skipped, with the reason in the test report, unless `WECHAT_OIDC_TEST_POSTGRES_URL` names a
/// server (`.ci/run` starts one). Serialized so that a server with the default
/// `max_connections` (100) is enough.
@Suite(.serialized, .enabled(if: PostgresTestDatabase.isConfigured, postgresSkipReason))
struct PostgresConformanceTests {
    @Test(arguments: StorageConformance.checks)
    func postgres(_ check: StorageConformanceCheck) async throws {
        try await PostgresTestDatabase.withFreshSchema(options: "pool_size=4") { url, _ in
            try await StorageConformance.run(check) {
                try await SQLStores.open(databaseURL: url, logger: PostgresTestDatabase.logger)
            }
        }
    }
}
