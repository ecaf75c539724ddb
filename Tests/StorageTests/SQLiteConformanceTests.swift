import Logging
import Storage
import StorageConformance
import Testing

/// The shared conformance suite against SQLite, once on a file and once in memory.
@Suite struct SQLiteConformanceTests {
    static let logger = Logger(label: "storage-tests")

    @Test(arguments: StorageConformance.checks)
    func sqliteFile(_ check: StorageConformanceCheck) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = "sqlite://" + directory.path("conformance.sqlite")
        try await StorageConformance.run(check) {
            try await SQLStores.open(databaseURL: url, logger: Self.logger)
        }
    }

    @Test(arguments: StorageConformance.checks)
    func sqliteMemory(_ check: StorageConformanceCheck) async throws {
        try await StorageConformance.run(check) {
            try await SQLStores.open(databaseURL: "sqlite::memory:", logger: Self.logger)
        }
    }
}
