import Foundation
import JWTKit
import OIDC
import Testing
@testable import Server

/// RP-Initiated Logout 1.0 and Back-Channel Logout 1.0.
@Suite("Logout: RP-initiated and back-channel")
struct LogoutTests {
    static let postLogout = "https://rp.example/after-logout"

    @Test("oidcc-rp-initiated-logout: valid id_token_hint + registered post_logout_redirect_uri → redirect with state; then prompt=none → login_required")
    func rpInitiatedLogout() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            try await p.updateClient(rp) { $0.postLogoutRedirectURIs = [Self.postLogout] }
            let session = try await p.signIn(rp)
            let page = try await p.browser.get(AuthorizationResponse.append([
                ("id_token_hint", session.rawIDToken), ("post_logout_redirect_uri", Self.postLogout), ("state", "bye-1"),
            ], to: p.issuer + "/logout"))
            #expect(page.status == 303)
            #expect(page.header("Location") == Self.postLogout + "?state=bye-1")
            let after = try await p.authorizeOnce(rp, [("prompt", "none")])
            #expect(try redirectQuery(after)["error"] == "login_required")
        }
    }

    @Test("oidcc-rp-initiated-logout-no-state: no state → redirect without one; by POST too")
    func logoutWithoutStateByPost() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            try await p.updateClient(rp) { $0.postLogoutRedirectURIs = [Self.postLogout] }
            let session = try await p.signIn(rp)
            let page = try await p.browser.get(p.issuer + "/logout", method: .POST, form: [
                ("id_token_hint", session.rawIDToken), ("post_logout_redirect_uri", Self.postLogout),
            ])
            #expect(page.header("Location") == Self.postLogout)
        }
    }

    @Test("unregistered or query-modified post_logout_redirect_uri, or none registered → error page, no redirect, session kept")
    func badPostLogoutURI() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            try await p.updateClient(rp) { $0.postLogoutRedirectURIs = [Self.postLogout] }
            let session = try await p.signIn(rp)
            for target in ["https://evil.example/", Self.postLogout + "?x=1", Self.postLogout + "/"] {
                let page = try await p.browser.get(AuthorizationResponse.append([
                    ("id_token_hint", session.rawIDToken), ("post_logout_redirect_uri", target), ("state", "s"),
                ], to: p.issuer + "/logout"))
                #expect(page.status == 400)
                #expect(page.header("Location") == nil)
            }
            // Without a hint, no redirect either (RP-Initiated Logout §3).
            let noHint = try await p.browser.get(AuthorizationResponse.append([("post_logout_redirect_uri", Self.postLogout), ("client_id", rp.clientID)], to: p.issuer + "/logout"))
            #expect(noHint.status == 400)
            let stillIn = try await p.authorizeOnce(rp, [("prompt", "none")])
            #expect(try redirectQuery(stillIn)["code"] != nil)
        }
    }

    @Test("forged or alg:none id_token_hint, or a client_id that is not its audience → error page")
    func badHint() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            let other = try await p.registerClient()
            try await p.updateClient(rp) { $0.postLogoutRedirectURIs = [Self.postLogout] }
            let session = try await p.signIn(rp)
            let parts = session.rawIDToken.split(separator: ".").map(String.init)
            let unsigned = Base64URL.encode(Data(#"{"alg":"none"}"#.utf8)) + "." + parts[1] + "."
            for hint in [unsigned, parts[0] + "." + parts[1] + ".AAAA"] {
                let page = try await p.browser.get(AuthorizationResponse.append([("id_token_hint", hint), ("post_logout_redirect_uri", Self.postLogout)], to: p.issuer + "/logout"))
                #expect(page.status == 400)
                #expect(page.header("Location") == nil)
            }
            let mismatch = try await p.browser.get(AuthorizationResponse.append([("id_token_hint", session.rawIDToken), ("client_id", other.clientID)], to: p.issuer + "/logout"))
            #expect(mismatch.status == 400)
        }
    }

    @Test("no parameters → the session ends and a logged-out page is shown; the cookie is cleared")
    func bareLogout() async throws {
        try await TestProvider.run { p in
            let rp = try await p.registerClient()
            _ = try await p.signIn(rp)
            let page = try await p.browser.get(p.issuer + "/logout")
            #expect(page.status == 200)
            #expect(page.body.contains(#"id="logged-out""#))
            #expect(page.headers.contains { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("wechat-oidc-session=;") && $0.1.contains("Max-Age=0") })
            let after = try await p.authorizeOnce(rp, [("prompt", "none")])
            #expect(try redirectQuery(after)["error"] == "login_required")
        }
    }

    @Test("back-channel logout: each client of the session with a backchannel_logout_uri gets a signed logout token with typ logout+jwt, sid, events, no nonce (Back-Channel Logout 1.0 §2.4)")
    func backchannel() async throws {
        try await BackchannelReceiver.run { receiver in
            try await TestProvider.run { p in
                let rp = try await p.registerClient()
                let silent = try await p.registerClient()
                try await p.updateClient(rp) { $0.backchannelLogoutURI = receiver.uri; $0.backchannelLogoutSessionRequired = true }
                let session = try await p.signIn(rp)
                _ = try await p.signIn(silent)
                _ = try await p.browser.get(AuthorizationResponse.append([("id_token_hint", session.rawIDToken)], to: p.issuer + "/logout"))
                let tokens = try await receiver.waitFor(1)
                try #require(tokens.count == 1)
                let jwks = try await p.browser.get(p.issuer + "/jwks")
                let keys = JWTKeyCollection()
                try await keys.add(jwksJSON: jwks.body)
                let claims = try await keys.verify(tokens[0], as: LogoutTokenPayload.self)
                #expect(claims.iss == p.issuer)
                #expect(claims.aud == rp.clientID)
                #expect(claims.sub == session.idToken["sub"] as? String)
                #expect(claims.sid == session.idToken["sid"] as? String)
                #expect(claims.events.keys.contains("http://schemas.openid.net/event/backchannel-logout"))
                #expect(claims.nonce == nil)
                #expect(claims.exp > claims.iat)
                #expect(!claims.jti.isEmpty)
                // Back-Channel Logout 1.0 §2.4: "typ" header "logout+jwt".
                let header = try #require(JSONValue.parse(Data(base64URLEncoded: tokens[0].split(separator: ".")[0]) ?? Data())?.objectValue)
                #expect(header["typ"]?.stringValue == "logout+jwt")
            }
        }
    }

    @Test("back-channel logout is retried after a 5xx and not after a 4xx")
    func backchannelRetries() async throws {
        try await BackchannelReceiver.run(status: .serviceUnavailable) { failing in
            try await TestProvider.run { p in
                let delivery = BackchannelDelivery(httpClient: p.http, backoff: [.milliseconds(10), .milliseconds(10)])
                let delivered = await delivery.deliver("token", to: failing.uri)
                #expect(!delivered)
                let attempts = try await failing.waitFor(3, seconds: 2)
                #expect(attempts.count == 3)
            }
        }
        try await BackchannelReceiver.run(status: .badRequest) { refusing in
            try await TestProvider.run { p in
                let delivery = BackchannelDelivery(httpClient: p.http, backoff: [.milliseconds(10), .milliseconds(10)])
                #expect(await delivery.deliver("token", to: refusing.uri) == false)
                try await Task.sleep(for: .milliseconds(200))
                #expect(refusing.tokens.count == 1)
            }
        }
    }
}

struct LogoutTokenPayload: JWTPayload {
    struct Empty: Codable {}
    var iss: String
    var sub: String
    var aud: String
    var iat: Int
    var exp: Int
    var jti: String
    var sid: String?
    var nonce: String?
    var events: [String: Empty]

    func verify(using _: some JWTAlgorithm) throws {}
}
