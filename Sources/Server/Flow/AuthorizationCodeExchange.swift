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
        // The access token is made first and stored by the statement that consumes the code
        // (`CodeStore.redeem`); if the exchange then fails, it is revoked before anyone saw it.
        let accessToken = env.random.token()
        let accessTokenHash = SecretHash.sha256(accessToken)
        let (consumption, storedVersion) = try await env.stores.codes.redeem(
            codeHash: SecretHash.sha256(code), now: now, versionOfClient: client.id,
            issuing: IssuedAccessToken(
                tokenHash: accessTokenHash, expiresAt: now.addingTimeInterval(TimeInterval(env.settings.accessTokenLifetime))
            )
        )
        if let version = provisional.unverifiedVersion, let credentials = provisional.credentials, storedVersion != version {
            // The remembered client is no longer the stored one (rotated, updated or deleted):
            // nothing is issued before the credentials pass against the database.
            switch try await ClientAuthenticator(env: env).verify(credentials) {
            case .failure(let error):
                try await discard(accessTokenHash, if: consumption, now: now)
                return .failure(error)
            case .success(let stored):
                client = stored
            }
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
            try await discard(accessTokenHash, if: consumption, now: now)
            return .failure(error)
        }
        return .success(try await TokenIssuer(env: env).issue(TokenIssuer.Grant(
            client: client, userID: record.userID, scopes: record.scopes, authTime: record.authTime,
            amr: record.amr, acr: record.acr, sessionID: record.sessionID, nonce: record.nonce,
            claims: record.claims, grantID: record.grantID, familyExpiresAt: nil, storedAccessToken: accessToken
        )))
    }

    /// Revokes the access token the redemption stored, when it consumed the code, for an
    /// exchange that then failed: the code is spent, and the token was never handed out.
    private func discard(_ tokenHash: Data, if consumption: CodeConsumption, now: Date) async throws {
        guard case .consumed = consumption else { return }
        _ = try await env.stores.tokens.revoke(tokenHash: tokenHash, now: now)
    }
}
