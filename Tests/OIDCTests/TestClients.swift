import Foundation
@testable import OIDC

enum TestClients {
    static let secret = "s3cret-value"
    static let confidential = ClientDescription(
        id: "client-a", name: "A", redirectURIs: ["https://rp.example/cb", "https://rp.example/cb?bar=foo"],
        authMethod: .clientSecretBasic, secretHash: SecretHash.sha256(secret)
    )
    static let publicClient = ClientDescription(
        id: "client-p", name: "P", redirectURIs: ["http://127.0.0.1:7000/cb"], authMethod: .none, secretHash: nil
    )

    static func request(_ pairs: [(String, String)]) -> AuthorizationRequest {
        AuthorizationRequest(parameters: pairs.map { (name: $0.0, value: $0.1) })
    }

    static let validator = AuthorizationValidator(supportedScopes: Set(Scope.supported))

    static let challenge = PKCE.s256Challenge(for: String(repeating: "v", count: 43))

    static func base(_ extra: [(String, String)] = [], client: ClientDescription = confidential) -> [(String, String)] {
        [("client_id", client.id), ("redirect_uri", client.redirectURIs[0]), ("response_type", "code"),
         ("scope", "openid profile"), ("state", "xyz")] + extra
    }
}
