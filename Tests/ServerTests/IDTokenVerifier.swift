import Foundation
import JWTKit
import OIDC

/// Verifies our ID tokens the way an RP library does: signature against the published JWKS.
struct VerifiedIDToken: JWTPayload {
    var iss: String
    var sub: String
    var aud: String
    var azp: String
    var exp: Int
    var iat: Int
    var auth_time: Int
    var nonce: String?
    var at_hash: String?
    var amr: [String]?

    func verify(using _: some JWTAlgorithm) throws {}
}

extension TestProvider {
    func verifyIDToken(_ token: String) async throws -> (claims: VerifiedIDToken, header: [String: String], raw: [String: Any]) {
        let jwks = try await browser.get(issuer + "/jwks")
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: jwks.body)
        let claims = try await keys.verify(token, as: VerifiedIDToken.self)
        let parts = token.split(separator: ".")
        let header = (try JSONSerialization.jsonObject(with: Data(base64URLEncoded: parts[0]) ?? Data()) as? [String: String]) ?? [:]
        let raw = (try JSONSerialization.jsonObject(with: Data(base64URLEncoded: parts[1]) ?? Data()) as? [String: Any]) ?? [:]
        return (claims, header, raw)
    }
}
