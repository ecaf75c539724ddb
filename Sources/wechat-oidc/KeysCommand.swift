import ArgumentParser
import Foundation
import Server
import Storage

/// `wechat-oidc keys …`: signing keys. Every non-retired public key is in the JWKS; the
/// active one signs. Running servers notice changes within `keys.refresh_interval` seconds.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage signing keys.",
        subcommands: [List.self, Generate.self, Rotate.self, Retire.self]
    )

    static func line(_ key: SigningKeyRecord) -> String {
        "\(key.kid)\t\(key.algorithm)\t\(key.state.rawValue)\tcreated \(key.createdAt)"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List signing keys.")
        @OptionGroup var options: SettingsOptions

        func run() async throws {
            let keys = try await withStores(options) { stores, _ in try await stores.signingKeys.list() }
            if keys.isEmpty { print("No keys yet: the server generates one on first start (or run `keys generate`).") }
            for key in keys { print(KeysCommand.line(key)) }
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a key; it is published now and signs only once activated (or if no key signs yet).")
        @OptionGroup var options: SettingsOptions

        func run() async throws {
            let key = try await withStores(options) { stores, dir in
                let manager = SigningKeyManager(store: stores.signingKeys, directory: dir)
                let hasActive = try await stores.signingKeys.list().contains { $0.state == .active }
                return try await manager.generate(activate: !hasActive)
            }
            print(KeysCommand.line(key))
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a key that signs from now on; the previous key stays published until retired.")
        @OptionGroup var options: SettingsOptions

        func run() async throws {
            let key = try await withStores(options) { stores, dir in
                try await SigningKeyManager(store: stores.signingKeys, directory: dir).rotate()
            }
            print(KeysCommand.line(key))
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop publishing a key that no longer signs.")
        @OptionGroup var options: SettingsOptions
        @Argument(help: "The kid.") var kid: String

        func run() async throws {
            do {
                try await withStores(options) { stores, dir in
                    try await SigningKeyManager(store: stores.signingKeys, directory: dir).retire(kid: kid)
                }
            } catch let error as StorageError {
                throw CommandFailure(error.detail)
            }
            print("Retired \(kid).")
        }
    }
}
