/// Where the WeChat servers live.
///
/// WECHAT.md §2 and §4: the browser authorize page is on `https://open.weixin.qq.com`, the code
/// exchange and user APIs are "all on `https://api.weixin.qq.com`". Point both at the simulator
/// (for example `http://127.0.0.1:8081/wechat`) to work offline.
public struct WeChatEndpoints: Sendable, Hashable {
    /// Base of the browser-facing pages (`/connect/qrconnect`). No trailing slash needed.
    public var openBaseURL: String
    /// Base of the JSON APIs (`/sns/oauth2/access_token`, …). No trailing slash needed.
    public var apiBaseURL: String

    public init(
        openBaseURL: String = "https://open.weixin.qq.com",
        apiBaseURL: String = "https://api.weixin.qq.com"
    ) {
        self.openBaseURL = openBaseURL
        self.apiBaseURL = apiBaseURL
    }

    /// Base of `/cgi-bin/showqrcode` (WECHAT.md §5.2: "`https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=URLENCODED_TICKET`"):
    /// `https://mp.weixin.qq.com` with WeChat's own open platform, else the simulator at
    /// `openBaseURL`, which serves that page too.
    public var mpBaseURL: String {
        openBaseURL.withoutTrailingSlashes == "https://open.weixin.qq.com" ? "https://mp.weixin.qq.com" : openBaseURL
    }

    /// The real WeChat servers.
    public static let production = WeChatEndpoints()

    /// Both doors served by one simulator mounted at `baseURL` (e.g. `http://localhost:8080/wechat`).
    public static func simulator(baseURL: String) -> WeChatEndpoints {
        WeChatEndpoints(openBaseURL: baseURL, apiBaseURL: baseURL)
    }
}

extension String {
    /// The string without trailing `/`, so `base + "/path"` never doubles the slash.
    var withoutTrailingSlashes: Substring {
        var result = Substring(self)
        while result.hasSuffix("/") { result = result.dropLast() }
        return result
    }
}
