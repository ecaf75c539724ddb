import Foundation
import OIDC
import Storage

/// The `refresh_token` grant (RFC 6749 §6, OIDC Core §12) with rotation and reuse detection
/// (RFC 9700 §4.14.2: "the authorization server … issues a new refresh token with every access
/// token refresh response. The previous refresh token is invalidated … If a refresh token is
/// compromised and subsequently used by both the attacker and the legitimate client, one of
/// them will present an invalidated refresh token, which will inform the authorization server of
/// the breach" — and then the whole family is revoked).
struct RefreshTokenExchange: Sendable {
    let env: ProviderEnvironment

    func exchange(form: [String: String], client: ClientDescription) async throws -> Result<TokenResponse, OAuthError> {
        guard let token = form["refresh_token"], !token.isEmpty else {
            return .failure(.invalidRequest("refresh_token is missing"))
        }
        let hash = SecretHash.sha256(token)
        let now = env.clock.now()
        // RFC 6749 §6: the token must have been issued to the authenticated client. Checked
        // before the token is touched, so another client cannot burn it.
        guard let found = try await env.stores.refreshTokens.find(tokenHash: hash), found.clientID == client.id else {
            return .failure(.invalidGrant("the refresh token is invalid"))
        }
        // RFC 6749 §6: a narrower scope may be asked for, never a wider one.
        var scopes = found.scopes
        if let requested = form["scope"], !requested.isEmpty {
            let asked = requested.split(separator: " ").map(String.init)
            guard Set(asked).isSubset(of: Set(found.scopes)) else {
                return .failure(.invalidScope("the requested scope exceeds the scope originally granted"))
            }
            scopes = found.scopes.filter { asked.contains($0) }
        }
        let record: RefreshTokenRecord
        switch try await env.stores.refreshTokens.use(tokenHash: hash, now: now) {
        case .notFound, .inactive:
            return .failure(.invalidGrant("the refresh token is invalid or expired"))
        case .reused(let used):
            let revoked = try await env.stores.refreshTokens.revokeFamily(familyID: used.familyID, now: now)
            let revokedAccess = try await env.stores.tokens.revokeGrant(grantID: used.familyID, now: now)
            env.logger.warning("refresh token reused; its family was revoked", metadata: [
                "client_id": "\(client.id)", "revoked": "\(revoked + revokedAccess)",
            ])
            return .failure(.invalidGrant("the refresh token was already used"))
        case .rotated(let active):
            record = active
        }
        // The user may have been deleted meanwhile.
        guard try await env.stores.users.find(id: record.userID) != nil else {
            return .failure(.invalidGrant("the refresh token is invalid"))
        }
        // OIDC Core §12.2: same iss, sub, aud, auth_time (and azp); a new iat; no nonce.
        return .success(try await TokenIssuer(env: env).issue(TokenIssuer.Grant(
            client: client, userID: record.userID, scopes: scopes, authTime: record.authTime,
            amr: record.amr, acr: record.acr, sessionID: record.sessionID, nonce: nil,
            claims: record.claims, grantID: record.familyID, familyExpiresAt: record.familyExpiresAt,
            refreshScopes: record.scopes
        )))
    }
}
