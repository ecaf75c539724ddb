import ArgumentParser
import Foundation
import AsyncHTTPClient
import Logging
import Server
import Storage

/// `wechat-oidc serve`: the provider for real WeChat.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the provider against WeChat.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings: ProviderSettings
        do {
            settings = try await SettingsLoader.load(options.sources)
        } catch let error as SettingsError {
            throw CommandFailure(error.description)
        }
        let logger = serverLogger("wechat-oidc", settings.operations)
        try await ProviderRunner.run(settings: settings, extras: .init(), logger: logger) { port in
            printFlushed("wechat-oidc is serving \(settings.issuer) on \(settings.httpHost):\(port)")
        }
    }
}
