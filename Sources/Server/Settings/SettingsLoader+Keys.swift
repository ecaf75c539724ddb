import Configuration
import Foundation

extension SettingsKey {
    /// Seconds a rotated signing key is published before it signs (`keys rotate`).
    /// Environment: `WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS` (or `WECHAT_OIDC_KEYS_PREPUBLICATION`).
    public static let keyPrepublication = "keys.prepublication"
    /// The same setting under the name of its environment variable
    /// `WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS`.
    public static let keyPrepublicationSeconds = "keys.prepublication_seconds"
}

extension SettingsLoader {
    /// What the `keys` commands need: the storage settings and the pre-publication delay.
    public struct KeySettings: Sendable {
        public var databaseURL: String
        public var keysDirectory: String
        /// Seconds between `keys rotate` and the new key's first signature.
        public var prepublication: Int
    }

    /// The largest pre-publication delay accepted: 30 days.
    public static let maximumPrepublication = 30 * 86_400

    /// Reads and validates the settings of the `keys` commands.
    public static func keys(_ sources: Sources) async throws -> KeySettings {
        let storage = try await storage(sources)
        let config = try await reader(sources)
        return KeySettings(
            databaseURL: storage.databaseURL, keysDirectory: storage.keysDirectory,
            prepublication: try prepublication(config)
        )
    }

    /// `keys.prepublication` (config file) or `keys.prepublication_seconds`
    /// (`WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS`), in seconds, 0…30 days; one hour when
    /// absent. Both present with different values is an error naming both.
    static func prepublication(_ config: ConfigReader) throws -> Int {
        func value(_ key: String) throws -> Int? {
            guard let raw = config.string(forKey: ConfigKey(key)), !raw.isEmpty else { return nil }
            guard let seconds = Int(raw.trimmingCharacters(in: .whitespaces)), (0...maximumPrepublication).contains(seconds) else {
                throw SettingsError(key: key, message: "must be a number of seconds in 0...\(maximumPrepublication), got \"\(raw)\"")
            }
            return seconds
        }
        let short = try value(SettingsKey.keyPrepublication)
        let long = try value(SettingsKey.keyPrepublicationSeconds)
        if let short, let long, short != long {
            throw SettingsError(
                key: SettingsKey.keyPrepublication,
                message: "is \(short) but \(SettingsKey.keyPrepublicationSeconds) is \(long): set only one"
            )
        }
        return long ?? short ?? Int(SigningKeyManager.defaultPrepublication)
    }
}
