import HTTPTypes
import Hummingbird

/// The cookie that binds a WeChat login to the browser that started it (RFC 9700 §4.7.1:
/// CSRF protection of the redirect leg).
enum BrowserBinding {
    /// A 256-bit base64url value.
    static func isWellFormed(_ value: String) -> Bool {
        value.utf8.count == 43 && value.utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F
        }
    }

    /// HttpOnly; SameSite=Lax so it comes back on WeChat's top-level redirect; Secure over https.
    static func cookie(name: String, value: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
