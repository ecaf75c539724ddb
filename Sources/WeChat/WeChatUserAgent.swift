/// Recognizes the WeChat in-app browser.
///
/// WECHAT.md §3: "Detect the in-app browser by `MicroMessenger` in the User-Agent
/// (case-insensitive). The desktop WeChat client's built-in browser carries it too." §2:
/// "`qrconnect` does not work inside the WeChat in-app browser: there the Official Account flow
/// (section 3) must be used."
public enum WeChatUserAgent {
    /// Whether `userAgent` names the WeChat in-app browser.
    public static func isWeChatBrowser(_ userAgent: String?) -> Bool {
        guard let userAgent else { return false }
        return userAgent.lowercased().contains("micromessenger")
    }
}
