import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OIDC

/// The login page of "follow the Official Account to log in" (`login.page: follow`): the client's
/// name, logo and links as on ``EmbeddedLoginPage``, the Official Account's parametric QR image
/// (WECHAT.md §5.2, `showqrcode?ticket=`), and a script that polls
/// `GET /login/follow-status?scene=…` and, once scanned, goes to `/login/follow-complete`.
///
/// §5.4: "The browser that shows the QR learns of the scan from the server (polling or
/// server-sent events) **by its own session**, never by an openid carried in the browser": the
/// page holds only the unguessable scene, and both endpoints also require the browser cookie.
struct FollowLoginPage {
    /// Polls every 2 s (every 4 s after a network error); scanned → complete; expired or
    /// refused → offer a fresh QR. Also expires on its own when the scene's lifetime ends.
    static let script = """
    (function(){var m=document.getElementById("login");var s=m.getAttribute("data-status-url");\
    var c=m.getAttribute("data-complete-url");var st=document.getElementById("status");var over=false;\
    function expire(){if(over)return;over=true;document.getElementById("qr").hidden=true;\
    st.textContent=m.getAttribute("data-expired-text");var r=document.getElementById("refresh");r.hidden=false;r.focus();}\
    function poll(){if(over)return;fetch(s,{credentials:"same-origin",cache:"no-store"}).then(function(r){return r.json();})\
    .then(function(j){if(over)return;if(j.status==="scanned"){over=true;st.textContent=m.getAttribute("data-scanned-text");\
    window.location.assign(c);}else if(j.status==="waiting"){setTimeout(poll,2000);}else{expire();}})\
    .catch(function(){setTimeout(poll,4000);});}\
    setTimeout(poll,1000);setTimeout(expire,Math.max(parseInt(m.getAttribute("data-expires-in"),10),1)*1000);})();
    """
    /// CSP hash source of ``script`` (CSP Level 3 §8.3).
    static let scriptHash = "sha256-" + Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()

    static let statusPath = "/login/follow-status"
    static let completePath = "/login/follow-complete"

    struct Texts {
        let title, heading, qrTitle, waiting, scanned: String
    }

    static func texts(_ language: LoginPageLanguage) -> Texts {
        switch language {
        case .zh:
            Texts(
                title: "微信登录", heading: "关注公众号登录", qrTitle: "公众号二维码",
                waiting: "请使用微信扫描二维码，关注公众号后即可登录", scanned: "已扫描，正在登录…"
            )
        case .en:
            Texts(
                title: "Sign in with WeChat", heading: "Follow our Official Account to sign in", qrTitle: "Official Account QR code",
                waiting: "Scan the QR code with WeChat and follow the Official Account to sign in", scanned: "Scanned. Signing you in…"
            )
        }
    }

    /// - Parameters:
    ///   - parameters: the authorization request's parameters, to start it again (refresh, or
    ///     the other language).
    static func render(
        pages: PageRenderer, client: ClientDescription, qrImageURL: String, scene: String, language: LoginPageLanguage,
        expiresIn: Int, authorizationEndpoint: String, parameters: [(name: String, value: String)]
    ) -> Response {
        let shared = EmbeddedLoginPage.texts(language, clientName: client.name)
        let texts = texts(language)
        var values = EmbeddedLoginPage.frameValues(
            client: client, language: language, authorizationEndpoint: authorizationEndpoint, parameters: parameters
        )
        values.merge([
            "title": texts.title, "heading": texts.heading, "qrImageURL": qrImageURL, "qrTitle": texts.qrTitle,
            "waitingText": texts.waiting, "expiredText": shared.expired, "scannedText": texts.scanned,
            "statusURL": statusPath + "?scene=" + scene, "completeURL": completePath + "?scene=" + scene,
            "expiresIn": String(expiresIn), "script": script,
        ]) { _, new in new }
        var response = pages.render("login", values, extraScriptHash: scriptHash, connectSelf: true)
        response.headers[HTTPField.Name("Content-Language")!] = language.htmlLang
        return response
    }
}
