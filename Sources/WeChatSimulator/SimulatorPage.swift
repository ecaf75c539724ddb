import Foundation

/// The simulator's HTML pages: the QR page and WeChat-style error pages.
enum SimulatorPage {
    /// A browser-page error (WECHAT.md §4: "Browser-page errors (HTML, no redirect back): 10003
    /// redirect_uri domain mismatch, 10005 the account lacks that scope, 10012 appid missing").
    static func error(title: String, code: Int?) -> String {
        let codeLine = code.map { #"<p class="code">错误码：<span id="wechat-error-code">\#($0)</span></p>"# } ?? ""
        return layout(
            title: "微信登录",
            body: """
                <div class="card error">
                  <div class="icon">!</div>
                  <h1>\(escape(title))</h1>
                  \(codeLine)
                  <p class="hint">WeChat simulator</p>
                </div>
                """
        )
    }

    struct QRUser {
        var id: String
        var nickname: String
        var headImageURL: String
    }

    /// The "scan the QR code" page: one Confirm button per test user, and Cancel. The form posts
    /// to a relative URL so the simulator works under any path prefix.
    ///
    /// `formTarget` `_top`: the page is WeChat's embedded QR (`login_type=jssdk`,
    /// `self_redirect=false`), so Confirm and Cancel navigate the top window, not the iframe.
    static func qrConnect(appID: String, ticket: String, users: [QRUser], formTarget: String? = nil) -> String {
        let target = formTarget.map { #" target="\#(escape($0))""# } ?? ""
        let rows = users.map { user in
            let avatar =
                user.headImageURL.isEmpty
                ? #"<span class="avatar placeholder">\#(escape(String(user.nickname.first ?? "?")))</span>"#
                : #"<img class="avatar" src="\#(escape(user.headImageURL))" alt="" referrerpolicy="no-referrer">"#
            return """
                <li>
                  \(avatar)
                  <span class="nickname">\(escape(user.nickname))</span>
                  <button type="submit" name="user" value="\(escape(user.id))">确认登录 Confirm</button>
                </li>
                """
        }.joined(separator: "\n")
        let empty = users.isEmpty ? #"<p class="hint">No test users are configured.</p>"# : ""
        return layout(
            title: "微信登录",
            body: """
                <div class="card">
                  <h1>微信登录</h1>
                  <p class="hint">WeChat simulator · <code>\(escape(appID))</code></p>
                  <div class="qr" aria-hidden="true"></div>
                  <p>选择一个测试用户扫码确认 · Pick a test user to “scan” and confirm</p>
                  <form method="post" action="qrconnect/confirm"\(target)>
                    <input type="hidden" name="ticket" value="\(escape(ticket))">
                    <ul class="users">
                \(rows)
                    </ul>
                    \(empty)
                    <button type="submit" name="cancel" value="1" class="cancel">取消 Cancel</button>
                  </form>
                </div>
                """
        )
    }

    /// What WeChat's embedded QR does once the user confirmed (with `self_redirect=false`): the
    /// iframe sends the top window to the callback.
    static func topRedirect(to url: String) -> String {
        let literal = String(decoding: (try? JSONEncoder().encode(url)) ?? Data("\"\"".utf8), as: UTF8.self)
        return layout(
            title: "微信登录",
            body: """
                <div class="card"><p><a href="\(escape(url))" target="_top" id="continue">继续 Continue</a></p></div>
                <script>window.top.location.replace(\(literal.replacingOccurrences(of: "</", with: "<\\/")));</script>
                """
        )
    }

    /// The stand-alone server's home page: what is configured, and how to start a login.
    static func index(apps: [SimulatedApp], users: [SimulatedUser]) -> String {
        let appRows = apps.map { app in
            "<li><code>\(escape(app.appID))</code> · \(escape(app.kind.rawValue)) · callback domain <code>\(escape(app.callbackDomain))</code>"
                + (app.openPlatformID.map { " · \(escape($0))" } ?? "") + "</li>"
        }.joined(separator: "\n")
        let userRows = users.map { "<li>\(escape($0.nickname)) <code>\(escape($0.id))</code></li>" }.joined(separator: "\n")
        return layout(
            title: "WeChat simulator",
            body: """
                <div class="card" style="text-align:left;width:520px">
                  <h1>WeChat simulator</h1>
                  <p class="hint">Serves <code>/connect/qrconnect</code> and <code>/sns/…</code> like WeChat.</p>
                  <h2>Apps</h2><ul>\(appRows)</ul>
                  <h2>Users</h2><ul>\(userRows)</ul>
                </div>
                """
        )
    }

    static func layout(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f2f2f2;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#191919}
        .card{background:#fff;border-radius:8px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:28px 32px;width:340px;text-align:center}
        h1{font-size:20px;margin:0 0 4px}.hint{color:#888;font-size:13px}.code{color:#555}
        .error .icon{width:48px;height:48px;line-height:48px;margin:0 auto 12px;border-radius:50%;background:#fa5151;color:#fff;font-weight:bold;font-size:28px}
        .qr{width:120px;height:120px;margin:12px auto;background:repeating-linear-gradient(45deg,#191919 0 6px,#fff 6px 12px);border:8px solid #fff;outline:1px solid #ddd}
        ul.users{list-style:none;padding:0;margin:12px 0;text-align:left}
        ul.users li{display:flex;align-items:center;gap:10px;padding:8px 0;border-bottom:1px solid #eee}
        .avatar{width:40px;height:40px;border-radius:4px;object-fit:cover;flex:none}
        .placeholder{display:inline-flex;align-items:center;justify-content:center;background:#d8d8d8;color:#fff;font-weight:bold}
        .nickname{flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        button{border:0;border-radius:4px;padding:6px 12px;background:#07c160;color:#fff;font-size:14px;cursor:pointer}
        button.cancel{background:#f2f2f2;color:#191919;margin-top:8px;width:100%}
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }

    /// Escapes `& < > " '` for text and attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
