import Logging

/// How the provider is operated: logs, metrics, rate limits, proxies and TLS. Each value has a
/// config-file key and an environment variable (`SettingsKey.Operations`).
public struct OperationsSettings: Sendable, Equatable {
    public enum LogFormat: String, Sendable, CaseIterable {
        /// swift-log's default one-line text.
        case text
        /// One JSON object per line (for log shippers).
        case json
    }

    public var logFormat: LogFormat = .text
    public var logLevel: Logger.Level = .info
    /// Whether `/metrics` is served.
    public var metricsEnabled = true
    /// Requests per second allowed from one source address at `/authorize`, `/token`, `/par`
    /// and `/register` (bursts of twice as many); 0 turns the limit off.
    public var rateLimitPerAddress = 50
    /// Requests per second allowed for one client at `/authorize` (a valid request's client)
    /// and `/token` (the authenticated client), bursts of twice as many; 0 turns the limit off.
    public var rateLimitPerClient = 200
    /// Peers whose `X-Forwarded-For` / `X-Forwarded-Proto` / `X-Forwarded-Host` are believed.
    public var trustedProxies: [IPAddressRange] = []
    /// PEM certificate chain and private key for built-in TLS; both or neither.
    public var tlsCertificatePath: String? = nil
    public var tlsKeyPath: String? = nil
    /// Seconds between checks of the certificate and key files for a renewal.
    public var tlsReloadInterval = 30

    public init() {}

    public var tlsEnabled: Bool { tlsCertificatePath != nil }
}
