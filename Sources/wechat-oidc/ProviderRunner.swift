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
        // Redirects are never followed: the documents a client points the provider at
        // (jwks_uri, request_uri, sector_identifier_uri) could otherwise redirect it to internal
        // addresses, and neither WeChat's APIs nor back-channel logout endpoints redirect.
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
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
