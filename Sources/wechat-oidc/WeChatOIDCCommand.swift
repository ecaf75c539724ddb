import ArgumentParser

/// `wechat-oidc`: an OpenID Connect provider in front of WeChat login.
@main
struct WeChatOIDCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wechat-oidc",
        abstract: "An OpenID Connect provider that signs users in with WeChat.",
        subcommands: [
            ServeCommand.self, DevCommand.self, ClientsCommand.self, UsersCommand.self, KeysCommand.self, MigrateCommand.self,
            SimulatorCommand.self, BenchCommand.self,
        ]
    )
}
