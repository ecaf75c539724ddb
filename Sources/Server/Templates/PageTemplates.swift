/// The HTML templates, compiled into the binary so the server needs no resource files.
/// Mustache escapes every `{{value}}`.
enum PageTemplates {
    static let layoutHead = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}}</title>
    <style>
    body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f7;color:#222;margin:0}
    main{max-width:640px;margin:48px auto;background:#fff;border-radius:12px;padding:32px;box-shadow:0 2px 12px rgba(0,0,0,.08)}
    h1{font-size:22px;margin-top:0} .muted{color:#777;font-size:14px}
    a.button,button{display:inline-block;background:#07c160;color:#fff;border:0;border-radius:6px;padding:12px 20px;font-size:16px;text-decoration:none;cursor:pointer}
    table{border-collapse:collapse;width:100%;font-size:14px} td,th{border-bottom:1px solid #eee;padding:6px 8px;text-align:left;vertical-align:top;word-break:break-all}
    code{background:#f0f0f0;padding:2px 4px;border-radius:4px}
    </style></head><body><main>
    """
    static let layoutFoot = "</main></body></html>"

    /// Bilingual: the error names the OAuth problem in English (the code is the same in every
    /// language), and every page says in Chinese and English what the user can do.
    static let error = layoutHead + """
    <p id="error-title-zh" lang="zh-CN" style="font-size:20px;font-weight:600;margin:0 0 4px">登录未能完成</p>
    <h1 id="error-title">{{title}}</h1>
    <p id="error-message">{{message}}</p>
    {{#code}}<p class="muted">错误代码 · Error: <code id="error-code">{{code}}</code></p>{{/code}}
    <p class="muted" lang="zh-CN" id="error-advice-zh">请关闭此页面，回到您来自的应用重新开始登录。</p>
    <p class="muted">You can close this page and start again from the application you came from.</p>
    """ + layoutFoot

    /// OAuth 2.0 Form Post Response Mode §2 (its example, with a button for when scripts are off).
    static let formPost = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Submit This Form</title></head>
    <body><form method="post" action="{{action}}">
    {{#fields}}<input type="hidden" name="{{name}}" value="{{value}}">
    {{/fields}}<noscript><p>Your browser has scripts turned off: press the button to continue.</p>
    <button type="submit">Continue</button></noscript>
    </form><script>document.forms[0].submit();</script></body></html>
    """

    /// WECHAT.md §3: the snapshot page (快照页) — nothing was signed in or linked.
    static let snapshot = layoutHead + """
    <h1 id="snapshot-title">{{title}}</h1>
    <p id="snapshot-message">WeChat showed this page as a preview (快照页) and did not tell us who you are,
    so nobody was signed in and no account was created or linked.</p>
    <p>Tap <strong>使用完整服务</strong> (“use the full service”) at the bottom of the screen, then sign in again.</p>
    <p><a class="button" id="retry" href="{{retryURL}}">Sign in again · 重新登录</a></p>
    """ + layoutFoot

    static let loggedOut = layoutHead + """
    <h1 id="logged-out">You have signed out</h1>
    <p>Your session with the sign-in service has ended{{#clientName}} and {{clientName}} was told{{/clientName}}.</p>
    <p class="muted">You can close this page.</p>
    """ + layoutFoot

    static let demoHome = layoutHead + """
    <h1>wechat-oidc demo app</h1>
    <p>An ordinary OpenID Connect relying party. It sends you to the provider at <code>{{issuer}}</code>,
    which sends you to WeChat{{#simulated}} (here: the WeChat simulator){{/simulated}}.</p>
    <p><a class="button" id="sign-in" href="{{loginPath}}">Sign in with WeChat</a></p>
    """ + layoutFoot

    static let demoResult = layoutHead + """
    <h1 id="welcome">Signed in{{#name}} as {{name}}{{/name}}</h1>
    {{#picture}}<p><img src="{{picture}}" alt="" width="64" height="64" style="border-radius:8px"></p>{{/picture}}
    <p class="muted">The ID token's signature was verified against the provider's JWKS, and its
    <code>iss</code>, <code>aud</code>, <code>exp</code>, <code>nonce</code> and <code>at_hash</code> checked.</p>
    <h2>ID token claims</h2>
    <table id="claims">{{#claims}}<tr><th>{{name}}</th><td>{{value}}</td></tr>{{/claims}}</table>
    <h2>Userinfo</h2>
    <table id="userinfo">{{#userinfo}}<tr><th>{{name}}</th><td>{{value}}</td></tr>{{/userinfo}}</table>
    <p><a class="button" href="{{homePath}}">Start again</a></p>
    """ + layoutFoot

    /// Our login page (`login.page: embedded`): the client, WeChat's QR in an iframe, and what
    /// to do when it expires. With `login.page: follow` the Official Account's QR image instead,
    /// and the URLs the script polls and completes at (``FollowLoginPage``). `{{{script}}}` is the fixed inline script, allowed by its hash.
    static let login = """
    <!doctype html>
    <html lang="{{htmlLang}}"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}}</title>
    <style>
    body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f7;color:#222;margin:0}
    main{max-width:420px;margin:32px auto;background:#fff;border-radius:12px;padding:28px 24px;box-shadow:0 2px 12px rgba(0,0,0,.08);text-align:center}
    @media (max-width:480px){main{margin:0;border-radius:0;min-height:100vh;box-shadow:none;padding:20px 12px}}
    h1{font-size:22px;margin:8px 0} .client{font-size:16px;margin:0 0 16px} .muted{color:#666;font-size:14px}
    .logo{width:64px;height:64px;border-radius:12px;object-fit:contain}
    iframe{width:300px;height:400px;max-width:100%;border:0}
    #status{min-height:1.5em;font-size:15px} .links{font-size:13px;margin-top:16px} .links a{color:#576b95;margin:0 6px}
    a.button{display:inline-block;background:#07c160;color:#fff;border-radius:6px;padding:10px 20px;font-size:16px;text-decoration:none}
    a:focus,iframe:focus{outline:3px solid #1a73e8;outline-offset:2px}
    [hidden]{display:none!important}
    </style></head><body><main id="login" data-expires-in="{{expiresIn}}" data-expired-text="{{expiredText}}"{{#statusURL}} data-status-url="{{statusURL}}" data-complete-url="{{completeURL}}" data-scanned-text="{{scannedText}}"{{/statusURL}}>
    {{#logoURI}}<img class="logo" id="client-logo" src="{{logoURI}}" alt="{{clientName}}" referrerpolicy="no-referrer">{{/logoURI}}
    <h1 id="login-title">{{heading}}</h1>
    <p class="client" id="client-name">{{continueTo}}</p>
    <div id="qr">{{#qrURL}}<iframe id="wechat-qr" src="{{qrURL}}" title="{{qrTitle}}" sandbox="allow-scripts allow-same-origin allow-top-navigation allow-forms"></iframe>{{/qrURL}}{{#qrImageURL}}<img id="follow-qr" src="{{qrImageURL}}" alt="{{qrTitle}}" width="300" height="300" referrerpolicy="no-referrer">{{/qrImageURL}}</div>
    <p id="status" role="status" aria-live="polite">{{waitingText}}</p>
    <p><a class="button" id="refresh" href="{{refreshURL}}" hidden>{{refreshText}}</a></p>
    <p class="links">{{#policyURI}}<a id="client-policy" href="{{policyURI}}" target="_blank" rel="noopener noreferrer">{{policyText}}</a>{{/policyURI}}{{#tosURI}}<a id="client-tos" href="{{tosURI}}" target="_blank" rel="noopener noreferrer">{{tosText}}</a>{{/tosURI}}<a id="other-language" href="{{otherLanguageURL}}" lang="{{otherLanguageTag}}">{{otherLanguageText}}</a></p>
    <script>{{{script}}}</script>
    </main></body></html>
    """
}
