import Foundation
import Hummingbird
import OIDC
import Storage

/// Finds, starts and ends browser SSO sessions (the server-side half of `SessionCookie`).
struct BrowserSessions: Sendable {
    let env: ProviderEnvironment

    var cookieName: String { SessionCookie.name(secure: env.settings.usesHTTPS) }

    /// The live session named by the request's cookie, if any.
    func current(_ request: Request) async throws -> BrowserSessionRecord? {
        guard let value = request.cookies[cookieName]?.value, BrowserBinding.isWellFormed(value) else { return nil }
        return try await env.stores.sessions.find(cookieHash: SecretHash.sha256(value), now: env.clock.now())
    }

    /// Starts a session for a user who just signed in with WeChat, ending the browser's previous
    /// one (a new login never inherits an old session id: session fixation).
    func start(userID: String, amr: [String], replacing request: Request) async throws -> (session: BrowserSessionRecord, cookie: Cookie) {
        if let previous = try await current(request) {
            try await env.stores.sessions.delete(id: previous.id)
        }
        let now = env.clock.now()
        let value = env.random.token()
        let session = BrowserSessionRecord(
            id: env.random.token(bytes: 16), cookieHash: SecretHash.sha256(value), userID: userID,
            authTime: now, amr: amr, createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(env.settings.sessionLifetime))
        )
        try await env.stores.sessions.create(session)
        return (session, SessionCookie.cookie(value: value, lifetime: env.settings.sessionLifetime, secure: env.settings.usesHTTPS))
    }
}
