import WeChat

/// One way of signing in with WeChat (dex's connector idea): where to send the browser, and
/// how to turn the code that comes back into an identity. Only the website QR door exists
/// now; the Official Account, mobile and mini-program doors will conform too.
protocol WeChatLoginDoor: Sendable {
    /// Stored with the pending authorization (`website`, …).
    var name: String { get }
    /// The WeChat page the browser is sent to.
    func loginURL(callbackURI: String, state: String) -> String
    /// The URL of WeChat's QR for an iframe on our own login page, when this door has one.
    func embeddedLoginURL(callbackURI: String, state: String, language: LoginPageLanguage) -> String?
    /// Exchanges the code and reads the user's profile.
    func identity(fromCode code: String) async throws(WeChatError) -> WeChatIdentity
}

extension WeChatLoginDoor {
    func embeddedLoginURL(callbackURI: String, state: String, language: LoginPageLanguage) -> String? { nil }
}
