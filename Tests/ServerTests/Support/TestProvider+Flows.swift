import Foundation
import OIDC
import Storage
@testable import Server

/// Multi-step flows shared by the session, refresh and logout tests.
extension TestProvider {
    /// A login and a code exchange: the token response, the verified ID token's raw claims.
    func signIn(_ rp: RP, _ parameters: [(String, String)] = [], scope: String = "openid profile wechat") async throws -> (token: [String: Any], idToken: [String: Any], rawIDToken: String) {
        let query = try await login(rp, parameters, scope: scope)
        guard let code = query["code"] else { throw TestFailure("no code: \(query)") }
        let token = try await self.token(rp, code: code)
        guard token.status == 200, let idToken = token.json["id_token"] as? String else {
            throw TestFailure("token exchange answered \(token.status): \(token.json)")
        }
        return (token.json, try await verifyIDToken(idToken).raw, idToken)
    }

    /// The first response to an authorization request, without following it.
    func authorizeOnce(_ rp: RP, _ parameters: [(String, String)], scope: String = "openid profile wechat") async throws -> TestBrowser.Page {
        try await browser.get(authorizeURL(rp, parameters, scope: scope))
    }

    /// A grant_type=refresh_token request authenticated with client_secret_basic.
    func refresh(_ rp: RP, _ refreshToken: String, extra: [(String, String)] = []) async throws -> (status: Int, json: [String: Any]) {
        try await postWithBasic(rp, path: "/token", form: [("grant_type", "refresh_token"), ("refresh_token", refreshToken)] + extra)
    }

    /// POSTs a form to `path` with the client's Basic credentials.
    func postWithBasic(_ rp: RP, path: String, form: [(String, String)]) async throws -> (status: Int, json: [String: Any]) {
        var headers: [(String, String)] = []
        if let secret = rp.secret {
            headers.append(("Authorization", "Basic " + Data("\(FormEncoding.encode(rp.clientID)):\(FormEncoding.encode(secret))".utf8).base64EncodedString()))
        }
        let page = try await browser.get(issuer + path, method: .POST, form: form, headers: headers)
        let json = (try? JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]) ?? [:]
        return (page.status, json)
    }

    /// Changes a client's registered metadata in the store (what DCR or the CLI would do).
    func updateClient(_ rp: RP, _ change: (inout ClientMetadata) -> Void) async throws {
        guard var record = try await stores.clients.find(id: rp.clientID) else { throw TestFailure("no client") }
        change(&record.metadata)
        try await stores.clients.update(record)
    }
}

/// The query of a redirect response's `Location`; throws when the page is not a redirect.
func redirectQuery(_ page: TestBrowser.Page) throws -> [String: String] {
    guard let location = page.header("Location") else { throw TestFailure("not a redirect: \(page.status) \(page.body.prefix(200))") }
    return queryItems(location)
}
