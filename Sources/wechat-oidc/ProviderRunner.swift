import AsyncHTTPClient
import Hummingbird
import Logging
import Server
import Storage

/// Opens the stores and the HTTP client, runs the application until a signal stops it, and
/// closes everything.
enum ProviderRunner {
    static func run(
        settings: ProviderSettings, extras: ProviderApplication.Extras, logger: Logger,
        prepare: (Stores) async throws -> Void = { _ in },
        onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let stores = try await SQLStores.open(databaseURL: settings.databaseURL, logger: logger)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await prepare(stores)
            let app = try await ProviderApplication.buildApplication(
                settings: settings, stores: stores, httpClient: httpClient, extras: extras,
                logger: logger, onServerRunning: onRunning
            )
            try await app.runService()
        } catch {
            try? await httpClient.shutdown()
            try? await stores.shutdown()
            throw error
        }
        try await httpClient.shutdown()
        try await stores.shutdown()
    }
}
