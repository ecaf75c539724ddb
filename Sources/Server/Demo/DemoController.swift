import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import Logging
import NIOCore
import OIDC

/// A small, ordinary OIDC relying party at `/demo`, so `dev` shows the whole flow: it uses
/// only the provider's public endpoints over HTTP, verifies the ID token's signature against
/// the JWKS with jwt-kit, and checks `iss`, `aud`, `exp`, `nonce` and `at_hash`.
struct DemoController: Sendable {
    let config: DemoClientConfiguration
    let issuer: String
    let httpClient: HTTPClient
    let pages: PageRenderer
    let random: any RandomSource
    let logger: Logger
    let logins = DemoLoginState()

    static let stateCookie = "demo-login-state"

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.get("/demo") { _, _ in
            pages.render("demo-home", ["issuer": issuer, "simulated": true, "loginPath": "/demo/login"])
        }
        router.get("/demo/login") { _, _ in
            let state = random.alphanumeric(length: 24)
            let nonce = random.alphanumeric(length: 24)
            let verifier = random.token(bytes: 32)
            logins.insert(state: state, entry: .init(nonce: nonce, verifier: verifier, created: Date()))
            let url = AuthorizationResponse.append([
                ("response_type", "code"), ("client_id", config.clientID),
                ("redirect_uri", issuer + DemoClientConfiguration.callbackPath),
                ("scope", "openid profile wechat"), ("state", state), ("nonce", nonce),
                ("code_challenge", PKCE.s256Challenge(for: verifier)), ("code_challenge_method", "S256"),
            ], to: issuer + ProviderMetadata.Path.authorization)
            return HTTPHelpers.redirect(to: url, cookies: [
                Cookie(name: Self.stateCookie, value: state, path: "/demo", secure: issuer.hasPrefix("https"), httpOnly: true, sameSite: .lax),
            ])
        }
        router.get(RouterPath(DemoClientConfiguration.callbackPath)) { request, _ in
            do {
                return try await callback(request)
            } catch {
                logger.warning("demo login failed", metadata: ["error": "\(error)"])
                return pages.errorPage(title: "Demo sign-in failed", message: "\(error)", code: nil)
            }
        }
    }

    struct DemoFailure: Error, CustomStringConvertible {
        let description: String
    }

    private func callback(_ request: Request) async throws -> Response {
        let (query, _) = HTTPHelpers.dictionary(HTTPHelpers.queryParameters(request) ?? [])
        guard let state = query["state"], request.cookies[Self.stateCookie]?.value == state, let login = logins.take(state: state) else {
            throw DemoFailure(description: "the state does not match this browser's login")
        }
        // RFC 9207 §2.4: the client compares `iss` with the issuer it expects.
        guard query["iss"] == issuer else { throw DemoFailure(description: "the response's iss is not the expected issuer") }
        if let error = query["error"] {
            throw DemoFailure(description: "the provider answered \(error): \(query["error_description"] ?? "")")
        }
        guard let code = query["code"] else { throw DemoFailure(description: "no code in the response") }

        let tokens = try await exchange(code: code, verifier: login.verifier)
        let jwksBody = try await get(issuer + ProviderMetadata.Path.jwks, bearer: nil)
        let keys = JWTKeyCollection()
        try await keys.add(jwks: JSONDecoder().decode(JWKS.self, from: jwksBody))
        let idToken = try await keys.verify(tokens.idToken, as: DemoIDToken.self)
        guard idToken.iss.value == issuer else { throw DemoFailure(description: "wrong iss") }
        guard idToken.aud.value.contains(config.clientID) else { throw DemoFailure(description: "wrong aud") }
        guard idToken.nonce == login.nonce else { throw DemoFailure(description: "wrong nonce") }
        guard idToken.atHash == AccessTokenHash.sha256(tokens.accessToken) else { throw DemoFailure(description: "wrong at_hash") }

        let userinfoBody = try await get(issuer + ProviderMetadata.Path.userinfo, bearer: tokens.accessToken)
        let userinfo = (try JSONSerialization.jsonObject(with: userinfoBody) as? [String: Any]) ?? [:]
        let claims = Self.payloadClaims(of: tokens.idToken)
        var response = pages.render("demo-result", [
            "name": userinfo["name"] as? String ?? "",
            "picture": userinfo["picture"] as? String ?? "",
            "claims": Self.rows(claims),
            "userinfo": Self.rows(userinfo),
            "homePath": "/demo",
        ])
        response.setCookie(Cookie(name: Self.stateCookie, value: "", maxAge: 0, path: "/demo", httpOnly: true))
        return response
    }

    private struct Tokens: Decodable {
        let accessToken: String
        let idToken: String
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case idToken = "id_token"
        }
    }

    private func exchange(code: String, verifier: String) async throws -> Tokens {
        var request = HTTPClientRequest(url: issuer + ProviderMetadata.Path.token)
        request.method = .POST
        let basic = Data("\(FormEncoding.encode(config.clientID)):\(FormEncoding.encode(config.clientSecret))".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(basic)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let form = [("grant_type", "authorization_code"), ("code", code),
                    ("redirect_uri", issuer + DemoClientConfiguration.callbackPath), ("code_verifier", verifier)]
            .map { "\($0.0)=\(FormEncoding.encode($0.1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await httpClient.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw DemoFailure(description: "token endpoint answered \(response.status.code): \(String(buffer: body))")
        }
        return try JSONDecoder().decode(Tokens.self, from: Data(buffer: body))
    }

    private func get(_ url: String, bearer: String?) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        let response = try await httpClient.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw DemoFailure(description: "\(url) answered \(response.status.code)") }
        return Data(buffer: body)
    }

    static func payloadClaims(of jwt: String) -> [String: Any] {
        let parts = jwt.split(separator: ".")
        guard parts.count == 3, let data = Data(base64URLEncoded: parts[1]),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    static func rows(_ claims: [String: Any]) -> [[String: String]] {
        claims.keys.sorted().map { key in
            let value = claims[key].map { value -> String in
                if let string = value as? String { return string }
                if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]) {
                    return String(decoding: data, as: UTF8.self)
                }
                return "\(value)"
            } ?? ""
            return ["name": key, "value": value]
        }
    }
}
