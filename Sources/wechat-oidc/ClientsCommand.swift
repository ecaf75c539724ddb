import ArgumentParser
import Foundation
import Server
import Storage

/// `wechat-oidc clients …`: manage registered OIDC clients. A running server reads clients
/// from the database on each request, so changes apply at once.
struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients", abstract: "Register and manage OIDC clients.",
        subcommands: [Create.self, List.self, Show.self, Delete.self, RotateSecret.self]
    )

    /// The JSON shape printed with `--json`.
    struct ClientJSON: Encodable {
        let client_id: String
        let client_secret: String?
        let client_name: String
        let redirect_uris: [String]
        let token_endpoint_auth_method: String
        let created_at: Int

        init(_ record: ClientRecord, secret: String?) {
            client_id = record.id
            client_secret = secret
            client_name = record.name
            redirect_uris = record.redirectURIs
            token_endpoint_auth_method = record.authMethod.rawValue
            created_at = Int(record.createdAt.timeIntervalSince1970)
        }
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func describe(_ record: ClientRecord) -> String {
        """
        client_id:     \(record.id)
        name:          \(record.name)
        type:          \(record.isPublic ? "public (PKCE, no secret)" : "confidential")
        auth method:   \(record.isPublic ? "none" : "client_secret_basic or client_secret_post")
        redirect URIs: \(record.redirectURIs.joined(separator: "\n               "))
        created:       \(record.createdAt)
        """
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a client; prints its secret once.")
        @OptionGroup var options: SettingsOptions
        @Option(help: "A name shown to users.") var name: String
        @Option(name: .customLong("redirect-uri"), help: "An exact redirect URI (repeat for several).") var redirectURIs: [String] = []
        @Flag(name: .customLong("public"), help: "A public client (no secret; PKCE S256 required).") var isPublic = false
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let (record, secret) = try await withStores(options) { stores, _ in
                do {
                    return try await ClientRegistry(store: stores.clients).create(name: name, redirectURIs: redirectURIs, isPublic: isPublic)
                } catch let failure as ClientRegistry.Failure {
                    throw CommandFailure(failure.description)
                }
            }
            if json {
                try ClientsCommand.printJSON(ClientJSON(record, secret: secret))
            } else {
                print(ClientsCommand.describe(record))
                if let secret {
                    print("client_secret: \(secret)")
                    print("\nThe secret is shown only now; store it safely (`clients rotate-secret` issues a new one).")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients.")
        @OptionGroup var options: SettingsOptions
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let clients = try await withStores(options) { stores, _ in try await stores.clients.list() }
            if json {
                try ClientsCommand.printJSON(clients.map { ClientJSON($0, secret: nil) })
            } else if clients.isEmpty {
                print("No clients. Register one with `wechat-oidc clients create --name NAME --redirect-uri URI`.")
            } else {
                for client in clients {
                    print("\(client.id)\t\(client.isPublic ? "public" : "confidential")\t\(client.name)\t\(client.redirectURIs.joined(separator: " "))")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one client.")
        @OptionGroup var options: SettingsOptions
        @Argument(help: "The client_id.") var id: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            guard let client = try await withStores(options, { stores, _ in try await stores.clients.find(id: id) }) else {
                throw CommandFailure("no client \(id)")
            }
            if json { try ClientsCommand.printJSON(ClientJSON(client, secret: nil)) } else { print(ClientsCommand.describe(client)) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a client.")
        @OptionGroup var options: SettingsOptions
        @Argument(help: "The client_id.") var id: String

        func run() async throws {
            guard try await withStores(options, { stores, _ in try await stores.clients.delete(id: id) }) else {
                throw CommandFailure("no client \(id)")
            }
            print("Deleted client \(id).")
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate-secret", abstract: "Issue a new client secret; the old one stops working.")
        @OptionGroup var options: SettingsOptions
        @Argument(help: "The client_id.") var id: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let secret = try await withStores(options) { stores, _ in
                do {
                    return try await ClientRegistry(store: stores.clients).rotateSecret(id: id)
                } catch let failure as ClientRegistry.Failure {
                    throw CommandFailure(failure.description)
                }
            }
            if json { try ClientsCommand.printJSON(["client_id": id, "client_secret": secret]) } else { print("client_secret: \(secret)") }
        }
    }
}
