import Foundation
import OIDC
import Storage

/// Registers and manages clients; shared by the CLI, `dev` and (later) dynamic registration.
public struct ClientRegistry: Sendable {
    public let store: any ClientStore
    let random: any RandomSource
    let clock: any ProviderClock

    public init(store: any ClientStore, random: any RandomSource = SystemRandomSource(), clock: any ProviderClock = SystemProviderClock()) {
        self.store = store
        self.random = random
        self.clock = clock
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates a client. Confidential clients get a 256-bit secret, returned once and stored
    /// only as its SHA-256; public clients authenticate with `none` and must use PKCE.
    public func create(name: String, redirectURIs: [String], isPublic: Bool, id: String? = nil) async throws -> (client: ClientRecord, secret: String?) {
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedName.isEmpty, trimmedName.count <= 200 else { throw Failure(description: "--name must be 1 to 200 characters") }
        guard !redirectURIs.isEmpty else { throw Failure(description: "at least one --redirect-uri is required") }
        for uri in redirectURIs { try RedirectURIRule.validate(uri) }
        let now = clock.now()
        let secret = isPublic ? nil : random.token()
        let record = ClientRecord(
            id: id ?? random.alphanumeric(length: 24), name: trimmedName,
            secretHash: secret.map(SecretHash.sha256), redirectURIs: Self.unique(redirectURIs),
            authMethod: isPublic ? .none : .clientSecretBasic,
            // Admin-made clients may use refresh tokens (still only with offline_access + consent).
            metadata: ClientMetadata(grantTypes: ["authorization_code", "refresh_token"], registeredBy: "admin"),
            createdAt: now, updatedAt: now
        )
        try await store.create(record)
        return (record, secret)
    }

    /// Issues a new secret; the old one stops working at once.
    public func rotateSecret(id: String) async throws -> String {
        guard var record = try await store.find(id: id) else { throw Failure(description: "no client \(id)") }
        guard !record.isPublic else { throw Failure(description: "client \(id) is public and has no secret") }
        let secret = random.token()
        record.secretHash = SecretHash.sha256(secret)
        record.updatedAt = clock.now()
        try await store.update(record)
        return secret
    }

    /// Creates the client with a known id, or updates its secret and redirect URIs (for `dev`).
    public func upsert(id: String, name: String, redirectURIs: [String], secret: String) async throws {
        let now = clock.now()
        if var record = try await store.find(id: id) {
            record.name = name
            record.redirectURIs = redirectURIs
            record.secretHash = SecretHash.sha256(secret)
            record.authMethod = .clientSecretBasic
            record.updatedAt = now
            try await store.update(record)
        } else {
            try await store.create(ClientRecord(
                id: id, name: name, secretHash: SecretHash.sha256(secret), redirectURIs: redirectURIs,
                authMethod: .clientSecretBasic, createdAt: now, updatedAt: now
            ))
        }
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
