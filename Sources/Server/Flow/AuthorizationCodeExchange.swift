import Foundation
import OIDC
import Storage

/// The `authorization_code` grant (RFC 6749 §4.1.3, OIDC Core §3.1.3.2).
struct AuthorizationCodeExchange: Sendable {
    let env: ProviderEnvironment

    func exchange(form: [String: String], client provisional: ClientAuthenticator.Provisional) async throws -> Result<TokenResponse, OAuthError> {
        guard let code = form["code"], !code.isEmpty else {
            return .failure(.invalidRequest("code is missing"))
        }
        let now = env.clock.now()
        var client = provisional.client
        let consumption: CodeConsumption
        if let version = provisional.unverifiedVersion, let credentials = provisional.credentials {
            let (outcome, storedVersion) = try await env.stores.codes.consume(
                codeHash: SecretHash.sha256(code), now: now, versionOfClient: client.id
            )
            consumption = outcome
            if storedVersion != version {
                // The remembered client is no longer the stored one (rotated, updated or
                // deleted): nothing is issued before the credentials pass against the database.
                switch try await ClientAuthenticator(env: env).verify(credentials) {
                case .failure(let error): return .failure(error)
                case .success(let stored): client = stored
                }
            }
        } else {
            consumption = try await env.stores.codes.consume(codeHash: SecretHash.sha256(code), now: now)
        }
        let record: AuthorizationCodeRecord
        switch consumption {
        case .notFound:
            return .failure(.invalidGrant("the code is invalid"))
        case .expired:
            return .failure(.invalidGrant("the code has expired"))
        case .replayed(let used):
            // RFC 6749 §4.1.2: "If an authorization code is used more than once, the
            // authorization server MUST deny the request and SHOULD revoke (when possible) all
            // tokens previously issued based on that authorization code."
            let revoked = try await env.stores.tokens.revokeGrant(grantID: used.grantID, now: now)
            let revokedRefresh = try await env.stores.refreshTokens.revokeFamily(familyID: used.grantID, now: now)
            env.logger.warning("authorization code replayed; tokens revoked", metadata: [
                "client_id": "\(client.id)", "revoked": "\(revoked + revokedRefresh)",
            ])
            return .failure(.invalidGrant("the code was already used"))
        case .consumed(let fresh):
            record = fresh
        }
        let issued = AuthorizationCodeGrant.IssuedCode(
            clientID: record.clientID, redirectURI: record.redirectURI,
            codeChallenge: record.codeChallenge, codeChallengeMethod: record.codeChallengeMethod
        )
        if let error = AuthorizationCodeGrant.check(issued, client: client, redirectURI: form["redirect_uri"], codeVerifier: form["code_verifier"]) {
            return .failure(error)
        }
        return .success(try await TokenIssuer(env: env).issue(TokenIssuer.Grant(
            client: client, userID: record.userID, scopes: record.scopes, authTime: record.authTime,
            amr: record.amr, acr: record.acr, sessionID: record.sessionID, nonce: record.nonce,
            claims: record.claims, grantID: record.grantID, familyExpiresAt: nil
        )))
    }
}
