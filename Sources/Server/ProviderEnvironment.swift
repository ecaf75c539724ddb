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
    /// Opens the sealed secrets of `client_secret_jwt` clients.
    let sealer: SecretSealer
    /// Clients' keys published at their `jwks_uri`.
    let clientKeys: ClientJWKSCache
    /// Public or pairwise `sub` values (OIDC Core §8).
    let subjects: SubjectIdentifiers
    /// This application's Prometheus metrics.
    var metrics = ProviderMetrics()
    /// The per-address and per-client request limits (`rate_limit.*`).
    let rateLimits: RateLimits

    var issuer: String { settings.issuer }
    var callbackURI: String { settings.issuer + ProviderMetadata.Path.wechatCallback }

    /// The browser-binding cookie: `__Host-` prefixed when served over https (RFC 6265bis §4.1.3.2).
    var browserCookieName: String { settings.usesHTTPS ? "__Host-wechat-oidc-browser" : "wechat-oidc-browser" }

    /// The registered client, in the shape the protocol rules need, read from the store on every
    /// request: a secret rotated or a client deleted by the CLI (another process) or by another
    /// replica is refused by the very next request — an in-memory cache would keep accepting the
    /// old secret for as long as it lives, which the one primary-key read it saves is not worth.
    func client(id: String) async throws -> ClientDescription? {
        try await registeredClient(id: id)
    }

    /// The registered client read from the store now.
    func registeredClient(id: String) async throws -> ClientDescription? {
        guard let record = try await stores.clients.find(id: id) else { return nil }
        return ClientDescription(
            id: record.id, name: record.name, redirectURIs: record.redirectURIs,
            authMethod: ClientDescription.AuthMethod(rawValue: record.authMethod.rawValue) ?? .clientSecretBasic,
            secretHash: record.secretHash, metadata: record.metadata, sealedSecret: record.sealedSecret
        )
    }
}
