/// The Official Account pages inside the simulated WeChat browser (WECHAT.md §3).
extension SimulatorPage {
    /// The consent page of `/connect/oauth2/authorize`: one Allow button per test user (the
    /// simulator cannot know who holds the phone), Cancel, and — for `snsapi_userinfo` — a
    /// "snapshot page" button per user that plays WECHAT.md §3's 快照页 (a virtual identity with
    /// `is_snapshotuser: 1`). Posts to a relative URL so any path prefix works.
    static func officialAccountConsent(appID: String, ticket: String, scope: String, users: [QRUser]) -> String {
        let offersSnapshot = scope == "snsapi_userinfo"
        let rows = users.map { user in
            let snapshot = offersSnapshot
                ? #"<button type="submit" name="snapshot" value="\#(escape(user.id))" class="snapshot">快照页 Snapshot</button>"#
                : ""
            return """
                <li>
                  <span class="nickname">\(escape(user.nickname))</span>
                  <button type="submit" name="user" value="\(escape(user.id))">允许 Allow</button>
                  \(snapshot)
                </li>
                """
        }.joined(separator: "\n")
        let what = offersSnapshot ? "获取你的昵称、头像 · your nickname and avatar" : "获取你的身份标识 · who you are (openid only, silent on WeChat)"
        return layout(
            title: "微信授权",
            body: """
                <div class="card">
                  <h1>微信网页授权</h1>
                  <p class="hint">WeChat simulator · Official Account <code>\(escape(appID))</code> · <code>\(escape(scope))</code></p>
                  <p>该公众号申请\(escape(what))</p>
                  <p class="hint">选择在微信中打开此页的测试用户 · Pick the test user holding the phone</p>
                  <form method="post" action="authorize/confirm">
                    <input type="hidden" name="ticket" value="\(escape(ticket))">
                    <ul class="users">
                \(rows)
                    </ul>
                    <button type="submit" name="cancel" value="1" class="cancel">拒绝 Cancel</button>
                  </form>
                </div>
                """
        )
    }
}
