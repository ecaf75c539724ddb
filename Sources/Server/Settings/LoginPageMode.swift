import Configuration

/// How a PC browser meets WeChat (`login.page`, `WECHAT_OIDC_LOGIN_PAGE`).
public enum LoginPageMode: String, Sendable, CaseIterable {
    /// A full-page redirect to WeChat's `qrconnect` (shared/WECHAT.md §2): nothing of ours is
    /// shown, and scripted clients that only follow redirects work.
    case redirect
    /// Our own login page: the client's name, logo, privacy policy and terms, and WeChat's QR
    /// embedded in an iframe as `wxLogin.js` makes it (`login_type=jssdk`, `self_redirect=false`),
    /// in Chinese or English.
    case embedded
    /// "Follow the Official Account to log in" (WECHAT.md §5): our login page shows the Official
    /// Account's parametric QR (`QR_STR_SCENE`, one-time scene); the scan arrives as an event
    /// push and the page learns of it by polling with its own browser binding. Needs
    /// `official_account.token` (the push URL). Inside WeChat the in-WeChat door is used as before.
    case follow
}

extension SettingsKey {
    public static let loginPage = "login.page"
}

extension SettingsLoader {
    static func loginPage(_ config: ConfigReader) throws -> LoginPageMode {
        guard let raw = config.string(forKey: ConfigKey(SettingsKey.loginPage))?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            return .redirect
        }
        guard let mode = LoginPageMode(rawValue: raw.lowercased()) else {
            throw SettingsError(key: SettingsKey.loginPage, message: "must be redirect, embedded or follow, got \"\(raw)\"")
        }
        return mode
    }
}
