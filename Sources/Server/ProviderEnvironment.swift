import AsyncHTTPClient
import Foundation
import Logging
import OIDC
import Storage
import WeChat

/// Everything the endpoints share, built once at start-up. A class: every controller and flow
/// step holds it, and passing one reference costs one retain where a copy of the whole
/// environment cost one per field on every request.
final class ProviderEnvironment: Sendable {
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
    let metrics: ProviderMetrics
    /// The per-address and per-client request limits (`rate_limit.*`).
    let rateLimits: RateLimits
    /// Clients authenticated lately at the token endpoint, checked against the database in the
    /// statement that redeems the code.
    let verifiedClients = VerifiedClientCache()

    init(
        settings: ProviderSettings, stores: Stores, keys: KeySetHolder, doors: WeChatDoors,
        clock: any ProviderClock, random: any RandomSource, pages: PageRenderer, validator: AuthorizationValidator,
        logger: Logger, httpClient: HTTPClient, discoveryJSON: [UInt8], metadata: ProviderMetadata,
        sealer: SecretSealer, clientKeys: ClientJWKSCache, subjects: SubjectIdentifiers,
        metrics: ProviderMetrics = ProviderMetrics(), rateLimits: RateLimits
    ) {
        self.settings = settings
        self.stores = stores
        self.keys = keys
        self.doors = doors
        self.clock = clock
        self.random = random
        self.pages = pages
        self.validator = validator
        self.logger = logger
        self.httpClient = httpClient
        self.discoveryJSON = discoveryJSON
        self.metadata = metadata
        self.sealer = sealer
        self.clientKeys = clientKeys
        self.subjects = subjects
        self.metrics = metrics
        self.rateLimits = rateLimits
    }

    var issuer: String { settings.issuer }
    var callbackURI: String { settings.issuer + ProviderMetadata.Path.wechatCallback }

    /// The browser-binding cookie: `__Host-` prefixed when served over https (RFC 6265bis §4.1.3.2).
    var browserCookieName: String { settings.usesHTTPS ? "__Host-wechat-oidc-browser" : "wechat-oidc-browser" }

    /// The registered client, in the shape the protocol rules need, read from the store on every
    /// request: a secret rotated or a client deleted by the CLI (another process) or by another
    /// replica is refused by the very next request. (Only the code grant uses a remembered
    /// client, and only as far as the code redemption confirms it: `VerifiedClientCache`.)
    func client(id: String) async throws -> ClientDescription? {
        try await registeredClient(id: id)
    }

    /// The registered client read from the store now.
    func registeredClient(id: String) async throws -> ClientDescription? {
        try await registeredClientAndVersion(id: id)?.client
    }

    /// The registered client read from the store now, with its `ClientRecord.version`.
    func registeredClientAndVersion(id: String) async throws -> VerifiedClientCache.Entry? {
        guard let record = try await stores.clients.find(id: id) else { return nil }
        let client = ClientDescription(
            id: record.id, name: record.name, redirectURIs: record.redirectURIs,
            authMethod: ClientDescription.AuthMethod(rawValue: record.authMethod.rawValue) ?? .clientSecretBasic,
            secretHash: record.secretHash, metadata: record.metadata, sealedSecret: record.sealedSecret
        )
        return VerifiedClientCache.Entry(client: client, version: record.version)
    }
}
