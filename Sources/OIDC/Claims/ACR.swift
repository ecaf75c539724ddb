/// Authentication Context Class References this provider can state (OIDC Core §2 `acr`).
///
/// Every login is a WeChat login, so one class exists: the user proved control of a WeChat
/// account through WeChat's own confirmation. `acr` is put in an ID token only when the client
/// asked for a class this provider knows (`acr_values` or `claims.id_token.acr`), so a client
/// never receives a value it did not ask for and cannot interpret.
public enum ACR {
    public static let wechat = "urn:wechat-oidc:acr:wechat"
    public static let supported = [wechat]

    /// The first requested class that this provider satisfies, or `nil`.
    public static func select(requested: [String]) -> String? {
        requested.first { supported.contains($0) }
    }
}
