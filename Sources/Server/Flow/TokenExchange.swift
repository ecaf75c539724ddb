import Foundation
import OIDC
import Storage
import WeChat

/// The token-exchange grant (RFC 8693) for codes from WeChat's client-side SDKs: a mobile app's
/// OpenSDK code or a mini program's `wx.login()` code is the `subject_token`, its door is named by
/// `subject_token_type` (WECHAT.md §6), and the answer is our own tokens for the calling client.
struct TokenExchange: Sendable {
    /// RFC 8693 §2.1: `grant_type` "The value `urn:ietf:params:oauth:grant-type:token-exchange`
    /// indicates that a token exchange is being performed."
    static let grantType = "urn:ietf:params:oauth:grant-type:token-exchange"
    /// RFC 8693 §3: "Indicates that the token is an OAuth 2.0 access token issued by the given
    /// authorization server."
    static let accessTokenType = "urn:ietf:params:oauth:token-type:access_token"
    /// A WeChat code is a short single-use value; anything longer is not one.
    static let maxCodeLength = 512

    let env: ProviderEnvironment

    /// Errors (RFC 8693 §2.2.2: "the authorization server MUST construct an error response, as
    /// specified in Section 5.2 of [RFC6749]"): `invalid_request` for a missing or unknown
    /// parameter value, including a `subject_token_type` this server does not take or whose door
    /// is not configured; `invalid_scope` for an unknown scope. A code WeChat refuses (invalid,
    /// used, expired, blocked) is `invalid_grant`, not the `invalid_request` §2.2.2 names for an
    /// invalid `subject_token`: the WeChat code is an authorization grant in RFC 6749 §5.2's sense
    /// ("The provided authorization grant … is invalid, expired, revoked … or was issued to another
    /// client"), and `invalid_grant` tells the app to fetch a new code rather than fix its request.
    func exchange(form: [String: String], client: ClientDescription) async throws -> Result<TokenResponse, OAuthError> {
        guard let subjectToken = form["subject_token"], !subjectToken.isEmpty else {
            return .failure(.invalidRequest("subject_token is missing"))
        }
        guard let subjectTokenType = form["subject_token_type"], !subjectTokenType.isEmpty else {
            return .failure(.invalidRequest("subject_token_type is missing"))
        }
        guard WeChatDoors.subjectTokenTypes.contains(subjectTokenType) else {
            return .failure(.invalidRequest("subject_token_type must be one of \(WeChatDoors.subjectTokenTypes.joined(separator: ", "))"))
        }
        guard let door = env.doors.sdkDoors.first(where: { $0.subjectTokenType == subjectTokenType }) else {
            return .failure(.invalidRequest("this server does not accept \(subjectTokenType) (that WeChat door is not configured)"))
        }
        if let requested = form["requested_token_type"], requested != Self.accessTokenType {
            return .failure(.invalidRequest("requested_token_type must be \(Self.accessTokenType)"))
        }
        if form["actor_token"] != nil || form["actor_token_type"] != nil {
            return .failure(.invalidRequest("actor_token is not supported (no delegation)"))
        }
        if form["resource"] != nil {
            return .failure(.invalidRequest("resource is not supported"))
        }
        if let audience = form["audience"], audience != client.id {
            return .failure(.invalidRequest("audience must be the client's own client_id"))
        }
        guard subjectToken.utf8.count <= Self.maxCodeLength,
              subjectToken.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            return .failure(.invalidGrant("the WeChat code is invalid"))
        }
        let scopes: [String]
        switch Self.scopes(form["scope"]) {
        case .failure(let error): return .failure(error)
        case .success(let value): scopes = value
        }

        let identity: WeChatIdentity
        do {
            identity = try await door.identity(fromCode: subjectToken)
        } catch {
            env.logger.warning("WeChat code exchange failed", metadata: [
                "door": "\(door.name)", "errcode": "\(error.errcode.map(String.init) ?? "none")", "category": "\(error.category)",
            ])
            env.metrics.recordLogin(door: door.amr, outcome: "failed")
            return .failure(Self.oauthError(for: error))
        }
        if env.settings.requireUnionID, !identity.hasUnionID,
           try await env.stores.users.user(identifiedBy: identity.keys) == nil {
            env.metrics.recordLogin(door: door.amr, outcome: "failed")
            return .failure(.invalidGrant("WeChat did not name this user across apps (no unionid)"))
        }
        let now = env.clock.now()
        let user = try await env.stores.users.findOrCreate(
            identities: identity.keys, profile: identity.profile, newUserID: env.random.alphanumeric(length: 24), now: now
        )
        env.metrics.recordLogin(door: door.amr, outcome: "success")
        var response = try await TokenIssuer(env: env).issue(TokenIssuer.Grant(
            client: client, userID: user.id, scopes: scopes, authTime: now, amr: [door.amr], acr: nil,
            sessionID: nil, nonce: nil, claims: nil, grantID: env.random.token(bytes: 16), familyExpiresAt: nil
        ))
        // RFC 8693 §2.2.1: "issued_token_type REQUIRED".
        response.issuedTokenType = Self.accessTokenType
        return .success(response)
    }

    /// RFC 8693 §2.1 `scope` (RFC 6749 §3.3): `openid` when absent; `openid` is always included
    /// (an ID token is issued); `offline_access` is not granted here (no refresh token).
    static func scopes(_ raw: String?) -> Result<[String], OAuthError> {
        guard let raw, !raw.isEmpty else { return .success([Scope.openID]) }
        var scopes: [String] = [Scope.openID]
        for scope in raw.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            guard Scope.supported.contains(scope) else { return .failure(.invalidScope("scope \(scope) is not supported")) }
            if scope != Scope.offlineAccess, !scopes.contains(scope) { scopes.append(scope) }
        }
        return .success(scopes)
    }

    /// WeChat failures as token-endpoint errors (RFC 6749 §5.2).
    static func oauthError(for error: WeChatError) -> OAuthError {
        switch error.category {
        case .invalidCode, .codeUsed, .expired, .invalidToken, .denied, .snapshotUser:
            return .invalidGrant("WeChat refused the code (invalid, used or expired)")
        case .systemBusy, .quota, .transport:
            return .temporarilyUnavailable("WeChat is not available right now; please try again")
        default:
            // WECHAT.md §4: 40226 "code blocked (high-risk user, mini program)" → fail.
            if error.errcode == 40226 { return .invalidGrant("WeChat blocked this code") }
            return .serverError("the WeChat login failed")
        }
    }
}
