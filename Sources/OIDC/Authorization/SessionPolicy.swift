import Foundation

/// Decides whether an authorization request can be answered from the browser's SSO session or
/// needs a new WeChat login (OIDC Core §3.1.2.1 `prompt`, `max_age`, `id_token_hint`; §3.1.2.3).
public enum SessionPolicy {
    /// What the session is, as far as the decision goes.
    public struct Session: Sendable, Equatable {
        public var userID: String
        public var authTime: Date
        public init(userID: String, authTime: Date) {
            self.userID = userID
            self.authTime = authTime
        }
    }

    public enum Decision: Sendable, Equatable {
        /// Answer now from the session (no user interaction).
        case reuse
        /// Send the user through a new WeChat login.
        case login
        /// Refuse at the client's redirect URI.
        case fail(OAuthError)
    }

    /// - `prompt=none`: the session must satisfy `max_age` and the hint, else `login_required`
    ///   ("The Authorization Server MUST NOT display any authentication or consent user interface
    ///   pages. An error is returned if an End-User is not already authenticated").
    /// - `prompt=login` ("SHOULD prompt the End-User for reauthentication"), `consent` and
    ///   `select_account` always need a new WeChat login: WeChat's confirmation is where the
    ///   user consents and picks the account.
    /// - `max_age`: "If the elapsed time is greater than this value, the OP MUST attempt to
    ///   actively re-authenticate the End-User"; `max_age=0` is a new login every time.
    /// - `id_token_hint` naming another user than the session's: a new login (or
    ///   `login_required` with `prompt=none`).
    public static func decide(
        prompt: Set<String>, maxAge: Int?, session: Session?, hintSubject: String?, now: Date
    ) -> Decision {
        let usable: Bool
        if let session {
            let fresh = maxAge.map { $0 > 0 && now.timeIntervalSince(session.authTime) <= Double($0) } ?? true
            let sameUser = hintSubject.map { $0 == session.userID } ?? true
            usable = fresh && sameUser
        } else {
            usable = false
        }
        if prompt.contains("none") {
            if usable { return .reuse }
            if session != nil, let hintSubject, hintSubject != session?.userID {
                return .fail(.loginRequired("the signed-in user is not the one named by id_token_hint"))
            }
            return .fail(.loginRequired("the user must sign in with WeChat"))
        }
        if !prompt.isDisjoint(with: ["login", "consent", "select_account"]) { return .login }
        return usable ? .reuse : .login
    }
}
