import ArgumentParser
import AsyncHTTPClient
import Foundation
import OIDC
import Server
import Storage

/// `wechat-oidc clients …`: manage registered OIDC clients. A running server reads clients
/// from the database on each request, so changes apply at once. Clients made by Dynamic Client
/// Registration are listed, shown and deleted here like any other.
struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients", abstract: "Register and manage OIDC clients.",
        subcommands: [Create.self, List.self, Show.self, Delete.self, RotateSecret.self]
    )

    /// The JSON shape printed with `--json`: the RFC 7591 client information (metadata names as
    /// in Dynamic Client Registration) plus `created_at`, `registered_by` and `sector_identifier`.
    struct ClientJSON: Encodable {
        let information: ClientInformation
        let createdAt: Int
        let registeredBy: String
        let sectorIdentifier: String?

        init(_ record: ClientRecord, secret: String?) {
            var information = ClientRegistry.information(record, secret: secret)
            // Always present in this output, even when empty (scripts read it).
            information.clientName = information.clientName ?? ""
            self.information = information
            createdAt = Int(record.createdAt.timeIntervalSince1970)
            registeredBy = record.metadata.registeredBy
            sectorIdentifier = record.metadata.sectorIdentifier
        }

        enum Extra: String, CodingKey {
            case createdAt = "created_at"
            case registeredBy = "registered_by"
            case sectorIdentifier = "sector_identifier"
        }

        func encode(to encoder: any Encoder) throws {
            try information.encode(to: encoder)
            var container = encoder.container(keyedBy: Extra.self)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(registeredBy, forKey: .registeredBy)
            try container.encodeIfPresent(sectorIdentifier, forKey: .sectorIdentifier)
        }
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func describe(_ record: ClientRecord) -> String {
        let m = record.metadata
        let indent = "\n                  "
        var lines: [(String, String)] = [
            ("client_id", record.id),
            ("name", record.name.isEmpty ? "(none)" : record.name),
            ("type", record.isPublic ? "public (PKCE, no secret)" : "confidential"),
            ("auth method", record.authMethod.rawValue),
            ("registered by", m.registeredBy == "dynamic" ? "dynamic registration (RFC 7591)" : "administrator"),
            ("application type", m.applicationType ?? "web"),
            ("redirect URIs", record.redirectURIs.joined(separator: indent)),
            ("grant types", m.grantTypes.joined(separator: " ")),
            ("subject type", m.subjectType ?? "public"),
            ("ID token alg", m.idTokenSignedResponseAlg ?? "RS256"),
        ]
        let optional: [(String, String?)] = [
            ("sector", m.sectorIdentifier),
            ("sector URI", m.sectorIdentifierURI),
            ("post-logout URIs", m.postLogoutRedirectURIs.isEmpty ? nil : m.postLogoutRedirectURIs.joined(separator: indent)),
            ("back-channel URI", m.backchannelLogoutURI.map { $0 + (m.backchannelLogoutSessionRequired ? " (sid required)" : "") }),
            ("jwks_uri", m.jwksURI),
            ("jwks", m.jwks.map { "\($0.utf8.count) bytes" }),
            ("auth signing alg", m.tokenEndpointAuthSigningAlg),
            ("userinfo alg", m.userinfoSignedResponseAlg),
            ("request obj. alg", m.requestObjectSigningAlg),
            ("request URIs", m.requestURIs.isEmpty ? nil : m.requestURIs.joined(separator: indent)),
            ("default max_age", m.defaultMaxAge.map(String.init)),
            ("require auth_time", m.requireAuthTime ? "yes" : nil),
            ("require PAR", m.requirePushedAuthorizationRequests ? "yes" : nil),
            ("client URI", m.clientURI),
            ("logo URI", m.logoURI),
            ("policy URI", m.policyURI),
            ("terms URI", m.tosURI),
            ("contacts", m.contacts.isEmpty ? nil : m.contacts.joined(separator: ", ")),
        ]
        for case let (label, value?) in optional { lines.append((label, value)) }
        lines.append(("created", "\(record.createdAt)"))
        return lines.map { label, value in
            (label + ":").padding(toLength: 18, withPad: " ", startingAt: 0) + value
        }.joined(separator: "\n")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client; prints its secret once.",
            discussion: "Metadata is checked by the same rules as Dynamic Client Registration (RFC 7591, OpenID Connect Registration 1.0)."
        )
        @OptionGroup var options: SettingsOptions
        @Option(help: "A name shown to users.") var name: String
        @Option(name: .customLong("redirect-uri"), help: "An exact redirect URI (repeat for several).") var redirectURIs: [String] = []
        @Flag(name: .customLong("public"), help: "A public client (no secret; PKCE S256 required). Same as --auth-method none.") var isPublic = false
        @Option(name: .customLong("auth-method"), help: "token_endpoint_auth_method: client_secret_basic (default), client_secret_post, client_secret_jwt, private_key_jwt (needs --jwks-file or --jwks-uri) or none.")
        var authMethod: String?
        @Option(name: .customLong("application-type"), help: "web or native (default: native when a redirect URI uses a custom scheme, else web).")
        var applicationType: String?
        @Option(name: .customLong("grant-type"), help: "authorization_code, refresh_token (repeat; default: both).") var grantTypes: [String] = []
        @Option(name: .customLong("post-logout-redirect-uri"), help: "Where RP-initiated logout may return (repeat for several).")
        var postLogoutRedirectURIs: [String] = []
        @Option(name: .customLong("backchannel-logout-uri"), help: "Where logout tokens are POSTed (https).") var backchannelLogoutURI: String?
        @Flag(name: .customLong("backchannel-logout-session-required"), help: "Logout tokens must carry sid.") var backchannelLogoutSessionRequired = false
        @Option(name: .customLong("logo-uri"), help: "Logo shown on the login page.") var logoURI: String?
        @Option(name: .customLong("policy-uri"), help: "Privacy policy shown on the login page.") var policyURI: String?
        @Option(name: .customLong("tos-uri"), help: "Terms of service shown on the login page.") var tosURI: String?
        @Option(name: .customLong("client-uri"), help: "The client's home page.") var clientURI: String?
        @Option(name: .customLong("contact"), help: "A contact e-mail address (repeat for several).") var contacts: [String] = []
        @Option(name: .customLong("subject-type"), help: "public (default) or pairwise.") var subjectType: String?
        @Option(name: .customLong("sector-identifier-uri"), help: "https URL of a JSON array listing every redirect URI (fetched now).")
        var sectorIdentifierURI: String?
        @Option(name: .customLong("jwks-file"), help: "A file with the client's public JWK Set (for private_key_jwt).") var jwksFile: String?
        @Option(name: .customLong("jwks-uri"), help: "Where the client publishes its public JWK Set.") var jwksURI: String?
        @Option(name: .customLong("token-endpoint-auth-signing-alg"), help: "Signing algorithm of the client's assertions.")
        var tokenEndpointAuthSigningAlg: String?
        @Option(name: .customLong("id-token-signed-response-alg"), help: "ID token signing algorithm: RS256 (default), PS256 or ES256 (needs an active key of it).")
        var idTokenSignedResponseAlg: String?
        @Option(name: .customLong("userinfo-signed-response-alg"), help: "Sign userinfo responses (application/jwt) with RS256, PS256 or ES256.")
        var userinfoSignedResponseAlg: String?
        @Option(name: .customLong("default-max-age"), help: "Default max_age in seconds.") var defaultMaxAge: Int?
        @Flag(name: .customLong("require-auth-time"), help: "Always put auth_time in ID tokens.") var requireAuthTime = false
        @Flag(name: .customLong("require-par"), help: "Require pushed authorization requests (RFC 9126).") var requirePAR = false
        @Option(name: .customLong("request-uri"), help: "A request_uri the client may pass by reference (repeat; OpenID Connect Core 6.2). Without any, any https URL.")
        var requestURIs: [String] = []
        @Option(name: .customLong("request-object-signing-alg"), help: "The only request object algorithm accepted: RS256, PS256, ES256 or none.")
        var requestObjectSigningAlg: String?
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if isPublic, let authMethod, authMethod != "none" {
                throw ValidationError("--public conflicts with --auth-method \(authMethod)")
            }
        }

        /// The metadata as Dynamic Client Registration would receive it.
        func metadataRequest() throws -> ClientMetadataRequest {
            var jwks: JSONValue?
            if let jwksFile {
                guard let data = FileManager.default.contents(atPath: jwksFile) else {
                    throw CommandFailure("cannot read --jwks-file \(jwksFile)")
                }
                guard let value = JSONValue.parse(Array(data)) else {
                    throw CommandFailure("--jwks-file \(jwksFile) is not JSON")
                }
                jwks = value
            }
            return ClientMetadataRequest(
                redirectURIs: redirectURIs,
                // Admin-made clients may use refresh tokens (still only with offline_access + consent).
                grantTypes: grantTypes.isEmpty ? ["authorization_code", "refresh_token"] : grantTypes,
                applicationType: applicationType, contacts: contacts.isEmpty ? nil : contacts, clientName: name,
                logoURI: logoURI, clientURI: clientURI, policyURI: policyURI, tosURI: tosURI,
                jwksURI: jwksURI, jwks: jwks, sectorIdentifierURI: sectorIdentifierURI, subjectType: subjectType,
                idTokenSignedResponseAlg: idTokenSignedResponseAlg, userinfoSignedResponseAlg: userinfoSignedResponseAlg,
                requestObjectSigningAlg: requestObjectSigningAlg,
                tokenEndpointAuthMethod: isPublic ? "none" : authMethod, tokenEndpointAuthSigningAlg: tokenEndpointAuthSigningAlg,
                defaultMaxAge: defaultMaxAge, requireAuthTime: requireAuthTime,
                postLogoutRedirectURIs: postLogoutRedirectURIs.isEmpty ? nil : postLogoutRedirectURIs,
                backchannelLogoutURI: backchannelLogoutURI, backchannelLogoutSessionRequired: backchannelLogoutSessionRequired,
                requirePushedAuthorizationRequests: requirePAR, requestURIs: requestURIs.isEmpty ? nil : requestURIs
            )
        }

        func run() async throws {
            let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmedName.isEmpty, trimmedName.count <= 200 else { throw CommandFailure("--name must be 1 to 200 characters") }
            guard !redirectURIs.isEmpty else { throw CommandFailure("at least one --redirect-uri is required") }
            let request = try metadataRequest()
            let registered = try await withStores(options) { stores, keysDirectory in
                try await Self.withFetcher(needed: sectorIdentifierURI != nil) { fetch in
                    do {
                        let sealer = try ServerSecretFile.sealer(keysDirectory: keysDirectory)
                        return try await ClientRegistry(store: stores.clients, sealer: sealer).register(request, origin: .admin, fetch: fetch)
                    } catch let error as OAuthError {
                        throw CommandFailure("\(error.error): \(error.errorDescription ?? "")")
                    }
                }
            }
            if json {
                try ClientsCommand.printJSON(ClientJSON(registered.client, secret: registered.secret))
            } else {
                print(ClientsCommand.describe(registered.client))
                if let secret = registered.secret {
                    print("client_secret:    \(secret)")
                    print("\nThe secret is shown only now; store it safely (`clients rotate-secret` issues a new one).")
                }
            }
        }

        /// An HTTP client for the `sector_identifier_uri` check, only when one is given.
        static func withFetcher<T>(needed: Bool, _ body: (@escaping ClientRegistrationValidator.FetchDocument) async throws -> T) async throws -> T {
            guard needed else { return try await body(ClientRegistry.noFetch) }
            // As the server's own client: a redirect is an answer, not followed.
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            do {
                let result = try await body(ClientDocumentFetcher(httpClient: http).fetchDocument)
                try await http.shutdown()
                return result
            } catch {
                try? await http.shutdown()
                throw error
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
            let secret = try await withStores(options) { stores, keysDirectory in
                do {
                    let sealer = try ServerSecretFile.sealer(keysDirectory: keysDirectory)
                    return try await ClientRegistry(store: stores.clients, sealer: sealer).rotateSecret(id: id)
                } catch let failure as ClientRegistry.Failure {
                    throw CommandFailure(failure.description)
                }
            }
            if json { try ClientsCommand.printJSON(["client_id": id, "client_secret": secret]) } else { print("client_secret: \(secret)") }
        }
    }
}
