import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OIDC

/// Our own login page (`login.page: embedded`, issue "Every WeChat door": "an embedded QR on our
/// own login page … so the page can carry the client's name, logo and links").
///
/// WeChat's QR sits in an iframe exactly as `wxLogin.js` makes it (shared/WECHAT.md §2), at
/// least 300×400 px; WeChat shows the scan status inside it and, with `self_redirect=false`,
/// sends the top window to our callback. The page itself counts down the pending login's
/// lifetime and then offers a fresh QR. Chinese or English (``LoginPageLanguage``).
struct EmbeddedLoginPage {
    /// The page's only script: when the login expires, hide the QR and offer a new one.
    static let script = """
    (function(){var m=document.getElementById("login");var s=parseInt(m.getAttribute("data-expires-in"),10);\
    setTimeout(function(){document.getElementById("qr").hidden=true;\
    document.getElementById("status").textContent=m.getAttribute("data-expired-text");\
    var r=document.getElementById("refresh");r.hidden=false;r.focus();},Math.max(s,1)*1000);})();
    """
    /// CSP hash source of ``script`` (CSP Level 3 §8.3).
    static let scriptHash = "sha256-" + Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()

    struct Texts {
        let title, heading, continueTo, qrTitle, waiting, expired, refresh, policy, terms, otherLanguage: String
    }

    static func texts(_ language: LoginPageLanguage, clientName: String) -> Texts {
        switch language {
        case .zh:
            Texts(
                title: "微信登录", heading: "使用微信登录", continueTo: "继续前往 \(clientName)",
                qrTitle: "微信登录二维码", waiting: "请使用微信扫描二维码并在手机上确认",
                expired: "二维码已过期，请刷新后重新扫描", refresh: "刷新二维码",
                policy: "隐私政策", terms: "服务条款", otherLanguage: "English"
            )
        case .en:
            Texts(
                title: "Sign in with WeChat", heading: "Sign in with WeChat", continueTo: "to continue to \(clientName)",
                qrTitle: "WeChat login QR code", waiting: "Scan the QR code with WeChat and confirm on your phone",
                expired: "This QR code has expired. Refresh it to scan again.", refresh: "Refresh the QR code",
                policy: "Privacy policy", terms: "Terms of service", otherLanguage: "中文"
            )
        }
    }

    /// - Parameters:
    ///   - parameters: the authorization request's parameters, to start it again (refresh, or
    ///     the other language).
    static func render(
        pages: PageRenderer, client: ClientDescription, qrURL: String, language: LoginPageLanguage,
        expiresIn: Int, authorizationEndpoint: String, parameters: [(name: String, value: String)]
    ) -> Response {
        let texts = texts(language, clientName: client.name)
        var values = frameValues(client: client, language: language, authorizationEndpoint: authorizationEndpoint, parameters: parameters)
        values.merge([
            "title": texts.title, "heading": texts.heading, "qrURL": qrURL, "qrTitle": texts.qrTitle,
            "waitingText": texts.waiting, "expiredText": texts.expired, "expiresIn": String(expiresIn), "script": script,
        ]) { _, new in new }
        var response = pages.render("login", values, extraScriptHash: scriptHash, frameSource: origin(of: qrURL))
        response.headers[HTTPField.Name("Content-Language")!] = language.htmlLang
        return response
    }

    /// What every login page shows around its QR, in `language`: the client (name, logo, privacy
    /// policy, terms), the links that start the same request again (a fresh QR, the other
    /// language), and the page's language.
    static func frameValues(
        client: ClientDescription, language: LoginPageLanguage, authorizationEndpoint: String,
        parameters: [(name: String, value: String)]
    ) -> [String: Any] {
        let texts = texts(language, clientName: client.name)
        let other: LoginPageLanguage = language == .zh ? .en : .zh
        func restart(uiLocales: String?) -> String {
            var pairs = parameters.filter { $0.name != "ui_locales" }.map { ($0.name, $0.value) }
            if let uiLocales { pairs.append(("ui_locales", uiLocales)) }
            return AuthorizationResponse.append(pairs, to: authorizationEndpoint)
        }
        var values: [String: Any] = [
            "htmlLang": language.htmlLang, "clientName": client.name, "continueTo": texts.continueTo,
            "refreshText": texts.refresh, "refreshURL": restart(uiLocales: parameters.first { $0.name == "ui_locales" }?.value),
            "policyText": texts.policy, "tosText": texts.terms,
            "otherLanguageURL": restart(uiLocales: other.htmlLang), "otherLanguageTag": other.htmlLang,
            "otherLanguageText": texts.otherLanguage,
        ]
        if let logo = client.metadata.logoURI?.nonEmpty { values["logoURI"] = logo }
        if let policy = client.metadata.policyURI?.nonEmpty { values["policyURI"] = policy }
        if let terms = client.metadata.tosURI?.nonEmpty { values["tosURI"] = terms }
        return values
    }

    /// `scheme://host[:port]` of a URL, for `frame-src`.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
