import AsyncHTTPClient
import Foundation
import Logging
import OIDC
import Storage
import WeChat

/// Everything the endpoints share, built once at start-up.
struct ProviderEnvironment: Sendable {
    let settings: ProviderSettings
    let stores: Stores
    let keys: KeySetHolder
    let doors: WeChatDoors
    let clock: any ProviderClock
    let random: any RandomSource
    let pages: PageRenderer
    let validator: AuthorizationValidator
    let logger: Logger
    /// For calls the provider makes itself (back-channel logout, client metadata fetches).
    let httpClient: HTTPClient
    /// The discovery document, serialized once.
    let discoveryJSON: [UInt8]
    let metadata: ProviderMetadata
    /// Clients as the token endpoint sees them: at most `ClientCache.defaultLifetime` (1 s) old.
    let clientCache = ClientCache()
    /// This application's Prometheus metrics.
    var metrics = ProviderMetrics()

    var issuer: String { settings.issuer }
    var callbackURI: String { settings.issuer + ProviderMetadata.Path.wechatCallback }

    /// The browser-binding cookie: `__Host-` prefixed when served over https (RFC 6265bis §4.1.3.2).
    var browserCookieName: String { settings.usesHTTPS ? "__Host-wechat-oidc-browser" : "wechat-oidc-browser" }

    /// The registered client, in the shape the protocol rules need, for client authentication
    /// at the token endpoint: served from `clientCache`, so a change made elsewhere (the CLI,
    /// another replica) is seen within `ClientCache.defaultLifetime` (1 s); a client that did not
    /// exist is looked up again on every request.
    func client(id: String) async throws -> ClientDescription? {
        try await clientCache.client(id: id) { try await registeredClient(id: $0) }
    }

    /// The registered client read from the store now (the authorization endpoint, where a change
    /// must show at once and one read per login costs nothing).
    func registeredClient(id: String) async throws -> ClientDescription? {
        guard let record = try await stores.clients.find(id: id) else { return nil }
        return ClientDescription(
            id: record.id, name: record.name, redirectURIs: record.redirectURIs,
            authMethod: ClientDescription.AuthMethod(rawValue: record.authMethod.rawValue) ?? .clientSecretBasic,
            secretHash: record.secretHash, metadata: record.metadata
        )
    }
}
