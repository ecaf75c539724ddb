import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OIDC

/// Delivers an authorization response (success or error) to the client's redirect URI in the
/// requested response mode: `query` (RFC 6749 §4.1.2, a 303 redirect) or `form_post`
/// (OAuth 2.0 Form Post Response Mode §2: "the Authorization Server … returns an HTML form to
/// the User Agent … auto-submitted by JavaScript, with the Authorization Response parameters as
/// hidden fields, POSTed to the client's redirect_uri"; nothing in the query).
struct AuthorizationResponder: Sendable {
    let pages: PageRenderer
    let issuer: String

    /// - Parameter afterUpstream: the browser arrives from WeChat, whose URL ended in
    ///   `#wechat_redirect`; a redirect without a fragment would inherit it (RFC 9110 §10.2.2),
    ///   so the RP's redirect URI gets an explicit empty fragment.
    func success(redirectURI: String, code: String, state: String?, mode: ResponseMode, cookies: [Cookie] = [], afterUpstream: Bool = false) -> Response {
        var parameters = [("code", code)]
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", issuer))
        return deliver(parameters, to: redirectURI, mode: mode, cookies: cookies, afterUpstream: afterUpstream)
    }

    func failure(redirectURI: String, error: OAuthError, state: String?, mode: ResponseMode, cookies: [Cookie] = [], afterUpstream: Bool = false) -> Response {
        var parameters = [("error", error.error)]
        if let description = error.errorDescription { parameters.append(("error_description", description)) }
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", issuer))
        return deliver(parameters, to: redirectURI, mode: mode, cookies: cookies, afterUpstream: afterUpstream)
    }

    private func deliver(_ parameters: [(String, String)], to redirectURI: String, mode: ResponseMode, cookies: [Cookie], afterUpstream: Bool) -> Response {
        switch mode {
        case .query:
            var location = AuthorizationResponse.append(parameters, to: redirectURI)
            if afterUpstream && !location.contains("#") { location += "#" }
            return HTTPHelpers.redirect(to: location, cookies: cookies)
        case .formPost:
            var response = pages.render(
                "form-post",
                ["action": redirectURI, "fields": parameters.map { ["name": $0.0, "value": $0.1] }],
                extraScriptHash: Self.submitScriptHash
            )
            for cookie in cookies { response.setCookie(cookie) }
            return response
        }
    }

    /// The one inline script of the form_post page, allowed by its hash (CSP Level 3 §8.2).
    static let submitScript = "document.forms[0].submit();"
    static let submitScriptHash = "sha256-" + Data(SHA256.hash(data: Data(submitScript.utf8))).base64EncodedString()
}
