import Foundation
import HTTPTypes
import OIDC

/// Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3,
/// OIDC Core §9): `client_secret_basic`, `client_secret_post` and `none`.
struct ClientAuthenticator: Sendable {
    let env: ProviderEnvironment

    /// The authenticated client, or the `invalid_client` / `invalid_request` to answer.
    func authenticate(authorizationHeader: String?, form: [String: String]) async throws -> Result<ClientDescription, OAuthError> {
        switch ClientCredentials.extract(authorizationHeader: authorizationHeader, form: form) {
        case .failure(let error):
            return .failure(error)
        case .success(let credentials):
            return credentials.authenticate(against: try await env.client(id: credentials.clientID))
        }
    }
}
