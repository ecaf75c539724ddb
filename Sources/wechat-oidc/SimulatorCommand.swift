import ArgumentParser
import Foundation
import Hummingbird
import Logging
import WeChatSimulator

/// `wechat-oidc simulator`: the WeChat simulator alone, for developers of other apps.
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Run the WeChat simulator alone (qrconnect, /sns/* APIs, fault injection under /_simulator)."
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8081
    @Option(name: .customLong("callback-domain"), help: "The authorized callback domain of the development website app.")
    var callbackDomain = "127.0.0.1:8080"
    @Option(name: .customLong("simulator-config"), help: "A JSON file with apps and test users (SimulatorConfiguration).")
    var simulatorConfig: String?
    @Option(name: .customLong("auto-approve"), help: "Approve every login at once as this user.") var autoApprove: String?

    func run() async throws {
        let logger = commandLogger("wechat-simulator", default: .info)
        var configuration: SimulatorConfiguration
        if let path = simulatorConfig {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            do {
                configuration = try JSONDecoder().decode(SimulatorConfiguration.self, from: data)
            } catch {
                throw ValidationError("\(path) is not a valid simulator configuration: \(error)")
            }
        } else {
            configuration = .development(callbackDomain: callbackDomain)
        }
        if let autoApprove { configuration.autoApproveUserID = autoApprove }
        let problems = configuration.validationErrors()
        guard problems.isEmpty else {
            throw ValidationError("invalid simulator configuration:\n  " + problems.joined(separator: "\n  "))
        }
        let simulator = WeChatSimulator(configuration: configuration, logger: logger)
        for app in configuration.apps {
            print("app \(app.appID) (\(app.kind)) secret \(app.secret) callback domain \(app.callbackDomain)")
        }
        print("users: \(configuration.users.map(\.id).joined(separator: ", "))")
        printFlushed("WeChat simulator on http://\(host):\(port) — use it as both the open and the API base URL.")
        let app = WeChatSimulator.makeApplication(simulator: simulator, host: host, port: port, logger: logger)
        try await app.runService()
    }
}
