import Configuration
import Foundation
import Logging

extension SettingsKey {
    /// Operations settings (see `OperationsSettings`).
    public enum Operations {
        public static let logFormat = "log.format"
        public static let logLevel = "log.level"
        public static let metricsEnabled = "metrics.enabled"
        public static let rateLimitPerAddress = "rate_limit.per_address"
        public static let rateLimitPerClient = "rate_limit.per_client"
        public static let trustedProxies = "http.trusted_proxies"
        public static let tlsCertificate = "tls.certificate"
        public static let tlsKey = "tls.key"
        public static let tlsReloadInterval = "tls.reload_interval"
    }
}

extension SettingsLoader {
    /// Reads and validates the operations settings; errors name the key.
    static func operations(_ config: ConfigReader) throws -> OperationsSettings {
        typealias Key = SettingsKey.Operations
        func text(_ key: String) -> String? {
            guard let value = config.string(forKey: ConfigKey(key))?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        func rate(_ key: String, _ fallback: Int) throws -> Int {
            guard let raw = text(key) else { return fallback }
            guard let value = Int(raw), (0...1_000_000).contains(value) else {
                throw SettingsError(key: key, message: "must be requests per second in 0...1000000 (0 = no limit), got \"\(raw)\"")
            }
            return value
        }
        var settings = OperationsSettings()
        if let raw = text(Key.logFormat) {
            guard let format = OperationsSettings.LogFormat(rawValue: raw.lowercased()) else {
                throw SettingsError(key: Key.logFormat, message: "must be text or json, got \"\(raw)\"")
            }
            settings.logFormat = format
        }
        if let raw = text(Key.logLevel) {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw SettingsError(key: Key.logLevel, message: "must be one of \(names), got \"\(raw)\"")
            }
            settings.logLevel = level
        }
        if let raw = text(Key.metricsEnabled) {
            settings.metricsEnabled = try SettingsValidation.boolean(raw, key: Key.metricsEnabled)
        }
        settings.rateLimitPerAddress = try rate(Key.rateLimitPerAddress, settings.rateLimitPerAddress)
        settings.rateLimitPerClient = try rate(Key.rateLimitPerClient, settings.rateLimitPerClient)
        if let raw = text(Key.trustedProxies) {
            settings.trustedProxies = try raw.split(separator: ",").map { item in
                let entry = item.trimmingCharacters(in: .whitespaces)
                guard let range = IPAddressRange(entry) else {
                    throw SettingsError(key: Key.trustedProxies, message: "\"\(entry)\" is not an IP address or CIDR range")
                }
                return range
            }
        }
        settings.tlsCertificatePath = text(Key.tlsCertificate)
        settings.tlsKeyPath = text(Key.tlsKey)
        if let raw = text(Key.tlsReloadInterval) {
            guard let seconds = Int(raw), (1...86_400).contains(seconds) else {
                throw SettingsError(key: Key.tlsReloadInterval, message: "must be seconds in 1...86400, got \"\(raw)\"")
            }
            settings.tlsReloadInterval = seconds
        }
        if (settings.tlsCertificatePath == nil) != (settings.tlsKeyPath == nil) {
            let missing = settings.tlsCertificatePath == nil ? Key.tlsCertificate : Key.tlsKey
            throw SettingsError(key: missing, message: "is required when \(missing == Key.tlsKey ? Key.tlsCertificate : Key.tlsKey) is set")
        }
        return settings
    }
}
