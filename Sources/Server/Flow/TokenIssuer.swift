import Foundation
import OIDC
import Storage

/// Mints the tokens of a token response (RFC 6749 §5.1, OIDC Core §3.1.3.3): an opaque access
/// token (stored hashed), a refresh token when `offline_access` was granted (OIDC Core §11), and
/// the signed ID token.
struct TokenIssuer: Sendable {
    let env: ProviderEnvironment

    /// What the tokens are issued for.
    struct Grant: Sendable {
        var client: ClientDescription
        var userID: String
        var scopes: [String]
        var authTime: Date
        var amr: [String]
        var acr: String?
        var sessionID: String?
        var nonce: String?
        var claims: String?
        /// The grant (code) id; a refresh token family carries it, so revoking the grant
        /// revokes every token issued from it.
        var grantID: String
        /// When refreshing: the family's absolute expiry, which successors keep.
        var familyExpiresAt: Date?
        /// The scope of the refresh token when it differs from the access token's: RFC 6749 §6
        /// "the refresh token scope MUST be identical to that of the refresh token included by
        /// the client in the request", even when the new access token's scope is narrower.
        var refreshScopes: [String]? = nil
        /// An access token already stored for this grant (by the code redemption,
        /// `CodeStore.redeem`); `nil`: make and store one.
        var storedAccessToken: String? = nil
    }

    func issue(_ grant: Grant) async throws -> TokenResponse {
        let now = env.clock.now()
        let accessToken: String
        if let stored = grant.storedAccessToken {
            accessToken = stored
        } else {
            accessToken = env.random.token()
            try await env.stores.tokens.create(AccessTokenRecord(
                tokenHash: SecretHash.sha256(accessToken), grantID: grant.grantID, clientID: grant.client.id,
                userID: grant.userID, scopes: grant.scopes, claims: grant.claims, createdAt: now,
                expiresAt: now.addingTimeInterval(TimeInterval(env.settings.accessTokenLifetime))
            ))
        }
        var refreshToken: String?
        let refreshScopes = grant.refreshScopes ?? grant.scopes
        if refreshScopes.contains(Scope.offlineAccess), grant.client.allows(grantType: "refresh_token") {
            let value = env.random.token()
            let familyExpiresAt = grant.familyExpiresAt ?? now.addingTimeInterval(TimeInterval(env.settings.refreshTokenLifetime))
            let idleExpiry = now.addingTimeInterval(TimeInterval(env.settings.refreshTokenIdleLifetime))
            try await env.stores.refreshTokens.create(RefreshTokenRecord(
                tokenHash: SecretHash.sha256(value), familyID: grant.grantID, clientID: grant.client.id,
                userID: grant.userID, scopes: refreshScopes, authTime: grant.authTime, amr: grant.amr,
                acr: grant.acr, sessionID: grant.sessionID, claims: grant.claims, createdAt: now,
                expiresAt: min(idleExpiry, familyExpiresAt), familyExpiresAt: familyExpiresAt
            ))
            refreshToken = value
        }
        let idToken = try await mintIDToken(grant, accessToken: accessToken, now: now)
        return TokenResponse(
            accessToken: accessToken, tokenType: "Bearer", expiresIn: env.settings.accessTokenLifetime,
            idToken: idToken, refreshToken: refreshToken, scope: grant.scopes.joined(separator: " ")
        )
    }

    /// OIDC Core §2 and §3.1.3.6. Claims requested for the ID token through the `claims`
    /// parameter (§5.5) are added when this provider has them.
    private func mintIDToken(_ grant: Grant, accessToken: String, now: Date) async throws -> String {
        let iat = Int(now.timeIntervalSince1970)
        var claims = IDTokenClaims(
            iss: env.issuer, sub: env.subjects.subject(userID: grant.userID, client: grant.client), aud: grant.client.id,
            exp: iat + env.settings.idTokenLifetime, iat: iat,
            authTime: Int(grant.authTime.timeIntervalSince1970),
            nonce: grant.nonce, atHash: AccessTokenHash.sha256(accessToken), amr: grant.amr,
            sid: grant.sessionID
        )
        claims.acr = grant.acr
        if let text = grant.claims, let request = ClaimsRequest.parse(text) {
            let wanted = Set(request.idToken.keys)
            if !wanted.isDisjoint(with: UserClaims.names), let user = try await UserClaimsLoader(env: env).load(userID: grant.userID) {
                claims.extra = user.released(for: [], requested: wanted).filter { $0.key != "sub" }
            }
        }
        // OIDC Registration §2 `id_token_signed_response_alg` (RS256 when absent): signed by the
        // active key of that algorithm, never silently another one.
        return try env.keys.current.sign(claims, algorithm: grant.client.metadata.idTokenSignedResponseAlg)
    }
}

/// RFC 6749 §5.1 plus OIDC Core §3.1.3.3 `id_token`.
struct TokenResponse: Encodable {
    let accessToken: String
    let tokenType: String
    let expiresIn: Int
    let idToken: String
    let refreshToken: String?
    let scope: String
    /// RFC 8693 §2.2.1, token exchange only.
    var issuedTokenType: String? = nil

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case idToken = "id_token"
        case refreshToken = "refresh_token"
        case scope
        case issuedTokenType = "issued_token_type"
    }
}
