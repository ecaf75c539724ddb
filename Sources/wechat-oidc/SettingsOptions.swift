import ArgumentParser
import Foundation
import Logging
import Server
import Storage

/// `--config FILE`: a YAML (or `.json`) file; environment variables take precedence.
struct SettingsOptions: ParsableArguments {
    @Option(name: .long, help: "A YAML or JSON configuration file. Environment variables (WECHAT_OIDC_*) override it.")
    var config: String?

    var sources: SettingsLoader.Sources { SettingsLoader.Sources(configFile: config) }

    /// Opens the database named by the settings, for the management commands.
    func openStores(logger: Logger) async throws -> (stores: Stores, keysDirectory: String) {
        let storage = try await SettingsLoader.storage(sources)
        return (try await SQLStores.open(databaseURL: storage.databaseURL, logger: logger), storage.keysDirectory)
    }
}

/// A quiet logger for management commands; `LOG_LEVEL` raises it.
func commandLogger(_ label: String, default level: Logger.Level = .warning) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? level
    return logger
}

/// The server's logger: `log.format` (text or one JSON object per line) at `log.level`.
func serverLogger(_ label: String, _ operations: OperationsSettings) -> Logger {
    var logger: Logger
    switch operations.logFormat {
    case .text: logger = Logger(label: label)
    case .json: logger = Logger(label: label) { JSONLogHandler(label: $0, level: operations.logLevel) }
    }
    logger.logLevel = operations.logLevel
    return logger
}

/// Runs `body` with the stores open and closes them afterwards, whatever happens.
func withStores<T>(_ options: SettingsOptions, _ body: (Stores, String) async throws -> T) async throws -> T {
    let (stores, keysDirectory) = try await options.openStores(logger: commandLogger("wechat-oidc.cli"))
    do {
        let result = try await body(stores, keysDirectory)
        try await stores.shutdown()
        return result
    } catch {
        try? await stores.shutdown()
        throw error
    }
}

/// Prints a line at once, even when stdout is a pipe or a file (scripts wait for it).
func printFlushed(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A failure of a command's work (not of its arguments): printed as `Error: …`, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
