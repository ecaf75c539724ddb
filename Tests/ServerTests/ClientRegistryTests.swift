import Foundation
import Logging
import OIDC
@testable import Server
import Storage
import Testing

/// The administrator's path (`wechat-oidc clients create`) goes through the same validator as
/// Dynamic Client Registration.
@Suite("Client registry: the command line shares the registration rules")
struct ClientRegistryTests {
    func withRegistry(_ body: (ClientRegistry) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "registry-test")
        logger.logLevel = .critical
        let stores = try await SQLStores.open(databaseURL: directory + "/db.sqlite", logger: logger)
        do {
            try await body(ClientRegistry(store: stores.clients))
        } catch {
            try? await stores.shutdown()
            throw error
        }
        try await stores.shutdown()
    }

    func refusal(_ work: () async throws -> Void) async -> String? {
        do {
            try await work()
            return nil
        } catch let failure as ClientRegistry.Failure {
            return failure.description
        } catch let error as OAuthError {
            return "\(error.error): \(error.errorDescription ?? "")"
        } catch {
            return "\(error)"
        }
    }

    @Test("RFC 6749 §3.1.2 via the CLI: the same redirect URI rule and wording as RFC 7591 §3.2.2")
    func sameRedirectRule() async throws {
        try await withRegistry { registry async throws in
            let cases: [(String, String)] = [
                ("https://app.example/cb#frag", "redirect_uris[0] must not contain a fragment"),
                ("http://app.example/cb", "redirect_uris[0] must use https (http only for loopback hosts)"),
                ("not a uri", "redirect_uris[0] is not an absolute URI"),
                ("javascript:alert(1)", "redirect_uris[0] uses a scheme that is not allowed"),
            ]
            for (uri, description) in cases {
                let message = await refusal { _ = try await registry.create(name: "bad", redirectURIs: [uri], isPublic: false) }
                #expect(message == description, "\(uri)")
                let dynamic = ClientRegistrationValidator(policy: registry.policy)
                    .validateContent(ClientMetadataRequest(redirectURIs: [uri]), registeredBy: "dynamic")
                #expect(dynamic == .failure(.invalidRedirectURI(description)), "\(uri)")
            }
            #expect(try await registry.store.list().isEmpty)
        }
    }

    @Test("Existing CLI behaviour: confidential by default with refresh_token, custom schemes mean a native app")
    func adminDefaults() async throws {
        try await withRegistry { registry async throws in
            let (web, secret) = try await registry.create(name: "Web", redirectURIs: ["https://app.example/cb", "https://app.example/cb"], isPublic: false)
            #expect(secret?.count == 43)
            #expect(web.redirectURIs == ["https://app.example/cb"])
            #expect(web.authMethod == .clientSecretBasic)
            #expect(web.registrationTokenHash == nil)
            #expect(web.metadata.grantTypes == ["authorization_code", "refresh_token"])
            #expect(web.metadata.registeredBy == "admin")
            #expect(web.metadata.applicationType == "web")

            let (native, none) = try await registry.create(name: "App", redirectURIs: ["com.example.app:/cb"], isPublic: true)
            #expect(none == nil)
            #expect(native.authMethod == .none)
            #expect(native.metadata.applicationType == "native")
            #expect(await refusal { _ = try await registry.rotateSecret(id: native.id) } == "client \(native.id) authenticates without a secret (none)")
        }
    }

    @Test("CLI metadata options go through the validator: logout URIs, pages, PAR; bad values refused with the field named")
    func adminMetadata() async throws {
        try await withRegistry { registry async throws in
            let request = ClientMetadataRequest(
                redirectURIs: ["https://app.example/cb"], clientName: "Full", logoURI: "https://app.example/logo.png",
                policyURI: "https://app.example/privacy", tosURI: "https://app.example/tos",
                postLogoutRedirectURIs: ["https://app.example/bye"], backchannelLogoutURI: "http://127.0.0.1:9000/bc",
                requirePushedAuthorizationRequests: true
            )
            let registered = try await registry.register(request, origin: .admin)
            #expect(registered.registrationAccessToken == nil)
            let m = registered.client.metadata
            #expect(m.postLogoutRedirectURIs == ["https://app.example/bye"])
            // Administrators may point the server at loopback http; registrants of an https issuer may not.
            #expect(m.backchannelLogoutURI == "http://127.0.0.1:9000/bc")
            #expect(m.logoURI == "https://app.example/logo.png" && m.policyURI == "https://app.example/privacy" && m.tosURI == "https://app.example/tos")
            #expect(m.requirePushedAuthorizationRequests)

            let production = ClientRegistry.providerPolicy(ProviderMetadata.forIssuer("https://op.example"), allowLoopbackHTTP: false)
            #expect(!production.allowsLoopbackHTTPCallbacks)
            // client_secret_jwt only where secrets can be sealed (the HMAC needs the secret itself).
            #expect(!ClientRegistry(store: registry.store, policy: production).policy.tokenEndpointAuthMethods.contains("client_secret_jwt"))
            let sealer = try #require(SecretSealer(key: [UInt8](repeating: 7, count: 32)))
            #expect(ClientRegistry(store: registry.store, policy: production, sealer: sealer).policy.tokenEndpointAuthMethods.contains("client_secret_jwt"))
            var fragment = request
            fragment.postLogoutRedirectURIs = ["https://app.example/bye#x"]
            #expect(await refusal { _ = try await registry.register(fragment, origin: .admin) }
                == "invalid_client_metadata: post_logout_redirect_uris[0] must not contain a fragment")
            var maxAge = request
            maxAge.defaultMaxAge = -1
            #expect(await refusal { _ = try await registry.register(maxAge, origin: .admin) }
                == "invalid_client_metadata: default_max_age must be a non-negative number of seconds")
            #expect(try await registry.store.list().count == 1)
        }
    }
}
