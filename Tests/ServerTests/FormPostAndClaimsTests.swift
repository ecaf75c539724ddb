import Foundation
import OIDC
import Testing
@testable import Server

@Suite("response_mode=form_post and the claims parameter")
struct FormPostAndClaimsTests {
    /// The hidden fields of a form_post page.
    static func fields(_ html: String) -> [String: String] {
        var result: [String: String] = [:]
        let pattern = #"<input type="hidden" name="([^"]*)" value="([^"]*)">"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return result }
        for match in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            guard let name = Range(match.range(at: 1), in: html), let value = Range(match.range(at: 2), in: html) else { continue }
            result[String(html[name])] = String(html[value])
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
        return result
    }

    @Test("oidcc-form-post: the response is an auto-submitting form POSTed to the redirect URI; nothing in a query (Form Post Response Mode §2)")
    func formPostSuccess() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let outcome = try await p.browser.follow(p.authorizeURL(rp, [("response_mode", "form_post")]), stopAt: rp.redirectURI)
            guard case .stopped(let page) = outcome else {
                Issue.record("form_post must not redirect to the RP")
                return
            }
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.body.contains(#"<form method="post" action="\#(rp.redirectURI)">"#))
            let csp = try #require(page.header("Content-Security-Policy"))
            #expect(csp.contains("script-src 'sha256-"))
            let fields = Self.fields(page.body)
            #expect(Set(fields.keys) == ["code", "state", "iss"])
            #expect(fields["state"] == "st-123")
            #expect(fields["iss"] == p.issuer)
            let code = try #require(fields["code"])
            #expect(try await p.token(rp, code: code).status == 200)
        }
    }

    @Test("form_post carries errors too (prompt=none without a session)")
    func formPostError() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let page = try await p.authorizeOnce(rp, [("response_mode", "form_post"), ("prompt", "none")])
            #expect(page.status == 200)
            #expect(page.header("Location") == nil)
            let fields = Self.fields(page.body)
            #expect(fields["error"] == "login_required")
            #expect(fields["state"] == "st-123")
            #expect(fields["code"] == nil)
        }
    }

    @Test("form_post escapes what it echoes: a state with quotes and markup stays one field")
    func formPostEscapes() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let state = #""><script>alert(1)</script>"#
            let page = try await p.browser.get(p.authorizeURL(rp, [("response_mode", "form_post"), ("prompt", "none")], state: state))
            #expect(page.status == 200, "\(page.status): \(page.body.prefix(400))")
            #expect(!page.body.contains("<script>alert(1)</script>"))
            #expect(Self.fields(page.body)["state"] == state)
        }
    }

    @Test("oidcc-claims-essential: claims requested for the ID token and for userinfo are released beyond the scopes (OIDC Core §5.5)")
    func claimsParameter() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let claims = #"{"id_token":{"nickname":{"essential":true},"unknown_claim":null},"userinfo":{"picture":null}}"#
            let result = try await p.signIn(rp, [("claims", claims)], scope: "openid")
            let alice = try #require(p.simulatorConfiguration.users.first { $0.id == "alice" })
            #expect(result.idToken["nickname"] as? String == alice.nickname)
            #expect(result.idToken["unknown_claim"] == nil)
            #expect(result.idToken["name"] == nil)
            let info = try await p.userinfo(try #require(result.token["access_token"] as? String))
            #expect(Set(info.json.keys) == ["sub", "picture"])
        }
    }

    @Test("a claims parameter that is not a JSON object → invalid_request at the RP")
    func malformedClaims() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            for claims in ["not json", "[1]", #"{"userinfo":[]}"#, #"{"id_token":{"name":{"essential":"yes"}}}"#] {
                let page = try await p.authorizeOnce(rp, [("claims", claims)])
                #expect(try redirectQuery(page)["error"] == "invalid_request")
            }
        }
    }
}
