/// Mini program login (WECHAT.md §6).
extension WeChatClient {
    /// `GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code`.
    ///
    /// WECHAT.md §6: "`wx.login()` yields a `js_code` (5 minutes); the server calls
    /// `/sns/jscode2session`. Errors: -1, 40029, 40163, 40226, 45011 (100/min per user)." The
    /// returned session leaves out `session_key` (see ``WeChatMiniProgramSession``).
    public func miniProgramSession(jsCode: String, app: WeChatAppCredentials) async throws(WeChatError) -> WeChatMiniProgramSession {
        let query = WeChatQuery([
            ("appid", app.appID),
            ("secret", app.secret),
            ("js_code", jsCode),
            ("grant_type", "authorization_code"),
        ])
        let body = try await call(.jsCode2Session, query: query)
        return try WeChatResponseBody.decode(WeChatMiniProgramSession.self, from: body)
    }
}
