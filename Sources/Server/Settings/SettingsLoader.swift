import Configuration
import Foundation
import WeChat

/// Reads `ProviderSettings` from the environment (first) and an optional YAML or JSON config
/// file, and validates every value, naming the key of anything wrong.
public enum SettingsLoader {
    /// Where values come from for one run.
    public struct Sources: Sendable {
        public var configFile: String?
        public var environment: [String: String]

        public init(configFile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.configFile = configFile
            self.environment = environment
        }
    }

    /// The raw values, before defaults and validation.
    public static func reader(_ sources: Sources) async throws -> ConfigReader {
        // The registration token's short variable stands for the standard one (which wins).
        var environment = sources.environment
        let registrationTokenName = SettingsKey.environmentName(SettingsKey.registrationInitialAccessToken)
        if environment[registrationTokenName] == nil, let token = environment[SettingsKey.registrationTokenVariable] {
            environment[registrationTokenName] = token
        }
        let requireUnionIDName = SettingsKey.environmentName(SettingsKey.requireUnionID)
        if environment[requireUnionIDName] == nil, let value = environment[SettingsKey.requireUnionIDVariable] {
            environment[requireUnionIDName] = value
        }
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(
                environmentVariables: environment,
                secretsSpecifier: .specific(
                    Set(SettingsKey.secrets.map(SettingsKey.environmentName)).union([registrationTokenName, SettingsKey.registrationTokenVariable])
                )
            ).prefixKeys(with: "wechat_oidc"),
        ]
        if let file = sources.configFile {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw SettingsError(key: "--config", message: "cannot read \(file)")
            }
            if file.hasSuffix(".json") {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(file)))
            } else {
                providers.append(try await FileProvider<YAMLSnapshot>(filePath: .init(file)))
            }
        }
        return ConfigReader(providers: providers)
    }

    /// Loads settings for `serve`: at least one WeChat door must be configured.
    public static func load(_ sources: Sources, defaults: Defaults = Defaults()) async throws -> ProviderSettings {
        let config = try await reader(sources)
        return try build(config, defaults: defaults)
    }

    /// Values used when a setting is absent (`dev` supplies its own).
    public struct Defaults: Sendable {
        public var issuer: String?
        public var httpHost = "127.0.0.1"
        public var httpPort = 8080
        public var databaseURL = "data/wechat-oidc.sqlite"
        public var keysDirectory = "keys"
        public var wechatOpenBaseURL = "https://open.weixin.qq.com"
        public var wechatAPIBaseURL = "https://api.weixin.qq.com"
        public var websiteAppID: String?
        public var websiteSecret: String?
        public var openPlatformID: String?

        public init() {}
    }

    static func build(_ config: ConfigReader, defaults: Defaults) throws -> ProviderSettings {
        func text(_ key: String, _ fallback: String?) -> String? {
            let value = config.string(forKey: ConfigKey(key), isSecret: SettingsKey.secrets.contains(key))
            guard let value, !value.isEmpty else { return fallback }
            return value
        }
        func required(_ key: String, _ fallback: String?) throws -> String {
            guard let value = text(key, fallback) else {
                throw SettingsError(key: key, message: "is required")
            }
            return value
        }
        func integer(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let raw = text(key, nil) else { return fallback }
            guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
                throw SettingsError(key: key, message: "must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(raw)\"")
            }
            return value
        }

        let issuer = try SettingsValidation.issuer(try required(SettingsKey.issuer, defaults.issuer))
        let openBase = try SettingsValidation.baseURL(text(SettingsKey.wechatOpenBaseURL, defaults.wechatOpenBaseURL) ?? "", key: SettingsKey.wechatOpenBaseURL)
        let apiBase = try SettingsValidation.baseURL(text(SettingsKey.wechatAPIBaseURL, defaults.wechatAPIBaseURL) ?? "", key: SettingsKey.wechatAPIBaseURL)
        let openPlatformID = try text(SettingsKey.openPlatformID, defaults.openPlatformID).map {
            try SettingsValidation.openPlatformID($0)
        }
        let doors = try doors(text, defaults: defaults, openPlatformID: openPlatformID)
        var settings = ProviderSettings(
            issuer: issuer,
            httpHost: text(SettingsKey.httpHost, defaults.httpHost) ?? defaults.httpHost,
            httpPort: try integer(SettingsKey.httpPort, defaults.httpPort, 0...65535),
            databaseURL: text(SettingsKey.databaseURL, defaults.databaseURL) ?? defaults.databaseURL,
            keysDirectory: text(SettingsKey.keysDirectory, defaults.keysDirectory) ?? defaults.keysDirectory,
            wechatEndpoints: WeChatEndpoints(openBaseURL: openBase, apiBaseURL: apiBase),
            website: doors.website,
            openPlatformID: openPlatformID,
            codeLifetime: try integer(SettingsKey.codeLifetime, 60, 10...600),
            accessTokenLifetime: try integer(SettingsKey.accessTokenLifetime, 3600, 60...86400),
            idTokenLifetime: try integer(SettingsKey.idTokenLifetime, 3600, 60...86400),
            pendingAuthorizationLifetime: try integer(SettingsKey.pendingAuthorizationLifetime, 600, 60...3600),
            maxBodySize: try integer(SettingsKey.maxBodySize, 64 * 1024, 1024...(16 * 1024 * 1024)),
            keyRefreshInterval: try integer(SettingsKey.keyRefreshInterval, 10, 1...3600)
        )
        settings.officialAccount = doors.officialAccount
        settings.mobile = doors.mobile
        settings.miniProgram = doors.miniProgram
        settings.requireUnionID = doors.requireUnionID
        settings.sessionLifetime = try integer(SettingsKey.sessionLifetime, settings.sessionLifetime, 60...(366 * 86_400))
        settings.refreshTokenLifetime = try integer(SettingsKey.refreshTokenLifetime, settings.refreshTokenLifetime, 60...(366 * 86_400))
        settings.refreshTokenIdleLifetime = try integer(
            SettingsKey.refreshTokenIdleLifetime, settings.refreshTokenIdleLifetime, 60...(366 * 86_400))
        settings.registrationInitialAccessToken = try config.string(
            forKey: ConfigKey(SettingsKey.registrationInitialAccessToken), isSecret: true
        ).flatMap { $0.isEmpty ? nil : try SettingsValidation.registrationToken($0) }
        settings.registrationOpen = try text(SettingsKey.registrationOpen, nil).map {
            try SettingsValidation.boolean($0, key: SettingsKey.registrationOpen)
        } ?? false
        settings.requestObjectByValue = try text(SettingsKey.requestObjectByValue, nil).map {
            try SettingsValidation.boolean($0, key: SettingsKey.requestObjectByValue)
        } ?? true
        settings.requestObjectByReference = try text(SettingsKey.requestObjectByReference, nil).map {
            try SettingsValidation.boolean($0, key: SettingsKey.requestObjectByReference)
        } ?? true
        settings.parLifetime = try integer(SettingsKey.parLifetime, settings.parLifetime, 10...600)
        settings.parRequired = try text(SettingsKey.parRequired, nil).map {
            try SettingsValidation.boolean($0, key: SettingsKey.parRequired)
        } ?? false
        settings.operations = try operations(config)
        settings.loginPage = try loginPage(config)
        if settings.loginPage == .follow, settings.officialAccount?.serverToken == nil {
            throw SettingsError(
                key: SettingsKey.loginPage,
                message: "follow needs an Official Account with a server token (\(SettingsKey.officialAccountAppID), \(SettingsKey.officialAccountToken)): the scans arrive as event pushes"
            )
        }
        return settings
    }

    /// Only the storage settings, for CLI commands that manage clients and keys.
    public static func storage(_ sources: Sources) async throws -> (databaseURL: String, keysDirectory: String) {
        let config = try await reader(sources)
        let defaults = Defaults()
        let db = config.string(forKey: ConfigKey(SettingsKey.databaseURL), isSecret: true).flatMap { $0.isEmpty ? nil : $0 } ?? defaults.databaseURL
        let keys = config.string(forKey: ConfigKey(SettingsKey.keysDirectory)).flatMap { $0.isEmpty ? nil : $0 } ?? defaults.keysDirectory
        return (db, keys)
    }
}
