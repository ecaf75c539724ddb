/// A setting that stops start-up, named by its config-file key and environment variable.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String {
        "invalid setting \(key) (environment \(SettingsKey.environmentName(key))): \(message)"
    }
}
