import WeChat

/// One way of signing in with WeChat through the browser (dex's connector idea): where to send
/// the browser, and how to turn the code that comes back into an identity. The website QR door
/// (WECHAT.md §2) and the Official Account door inside WeChat (§3) conform.
protocol WeChatLoginDoor: Sendable {
    /// Stored with the pending authorization (`website`, `officialAccount`).
    var name: String { get }
    /// The ID token's `amr` value for a login through this door.
    var amr: String { get }
    /// The WeChat page the browser is sent to. `silent`: ask only for the openid without any
    /// consent screen, where the door can (WECHAT.md §3 `snsapi_base`).
    func loginURL(callbackURI: String, state: String, silent: Bool) -> String
    /// The URL of WeChat's QR for an iframe on our own login page, when this door has one.
    func embeddedLoginURL(callbackURI: String, state: String, language: LoginPageLanguage) -> String?
    /// Exchanges the code and reads the user's profile.
    func identity(fromCode code: String) async throws(WeChatError) -> WeChatIdentity
}

extension WeChatLoginDoor {
    func embeddedLoginURL(callbackURI: String, state: String, language: LoginPageLanguage) -> String? { nil }
}
