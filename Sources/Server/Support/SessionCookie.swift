import HTTPTypes
import Hummingbird

/// The browser SSO session cookie (OIDC Core §3.1.2.3 "session"): a 256-bit random value whose
/// SHA-256 names the server-side `BrowserSessionRecord`, so the cookie alone proves nothing to
/// someone reading the database.
enum SessionCookie {
    static func name(secure: Bool) -> String { secure ? "__Host-wechat-oidc-session" : "wechat-oidc-session" }

    /// HttpOnly, `Path=/`. Over https `SameSite=None; Secure` so that `prompt=none` also works
    /// from an RP's hidden iframe; over http (loopback development) `SameSite=Lax`, which
    /// browsers require without `Secure`.
    static func cookie(value: String, lifetime: Int, secure: Bool) -> Cookie {
        Cookie(
            name: name(secure: secure), value: value, maxAge: lifetime, path: "/", secure: secure,
            httpOnly: true, sameSite: secure ? Cookie.SameSite.none : Cookie.SameSite.lax
        )
    }

    /// Expires the cookie in the browser.
    static func clearing(secure: Bool) -> Cookie {
        Cookie(
            name: name(secure: secure), value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true,
            sameSite: secure ? Cookie.SameSite.none : Cookie.SameSite.lax
        )
    }
}
