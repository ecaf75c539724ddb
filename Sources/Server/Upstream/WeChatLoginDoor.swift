import WeChat

/// One way of signing in with WeChat through the browser (dex's connector idea): where to send
/// the browser, and how to turn the code that comes back into an identity. The website QR door
/// (WECHAT.md §2) conforms; the Official Account door inside WeChat (§3) will too.
protocol WeChatLoginDoor: Sendable {
    /// Stored with the pending authorization (`website`, …).
    var name: String { get }
    /// The ID token's `amr` value for a login through this door.
    var amr: String { get }
    /// The WeChat page the browser is sent to.
    func loginURL(callbackURI: String, state: String) -> String
    /// Exchanges the code and reads the user's profile.
    func identity(fromCode code: String) async throws(WeChatError) -> WeChatIdentity
}
