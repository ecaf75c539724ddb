import Foundation
import OIDC
import Storage

/// Issues authorization codes (RFC 6749 §4.1.2) for a user who is signed in — fresh from
/// WeChat or from the browser's SSO session — and records the client in the session so that
/// logout reaches it (Back-Channel Logout 1.0 §2.7).
struct CodeIssuer: Sendable {
    let env: ProviderEnvironment

    /// Everything the code stands for.
    struct Grant: Sendable {
        var clientID: String
        var redirectURI: String
        var userID: String
        var scopes: [String]
        var nonce: String?
        var codeChallenge: String?
        var codeChallengeMethod: String?
        var authTime: Date
        var amr: [String]
        var sessionID: String?
        var acr: String?
        var claims: String?
    }

    /// Stores the code (≥ 256 bits, single use, `tokens.code_lifetime` seconds) and returns it.
    func issue(_ grant: Grant) async throws -> String {
        let now = env.clock.now()
        let code = env.random.token()
        try await env.stores.codes.create(AuthorizationCodeRecord(
            codeHash: SecretHash.sha256(code),
            grantID: env.random.token(bytes: 16),
            clientID: grant.clientID,
            redirectURI: grant.redirectURI,
            userID: grant.userID,
            scopes: grant.scopes,
            nonce: grant.nonce,
            codeChallenge: grant.codeChallenge,
            codeChallengeMethod: grant.codeChallengeMethod,
            authTime: grant.authTime,
            amr: grant.amr,
            sessionID: grant.sessionID,
            acr: grant.acr,
            claims: grant.claims,
            createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(env.settings.codeLifetime))
        ))
        if let sessionID = grant.sessionID {
            try await env.stores.sessions.addClient(sessionID: sessionID, clientID: grant.clientID)
        }
        return code
    }
}
