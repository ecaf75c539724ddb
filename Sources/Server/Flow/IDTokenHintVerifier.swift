import Foundation
import JWTKit
import OIDC

/// Verifies an ID token this provider issued, presented back as `id_token_hint`
/// (OIDC Core §3.1.2.1) or at logout (RP-Initiated Logout 1.0 §2).
///
/// The signature must verify against a key of our JWKS (so `alg: none` and foreign keys fail) and
/// `iss` must be ours. Expiry is not checked: "The OP need not be listed as an audience of the ID
/// Token when it is used as an id_token_hint value" and RP-Initiated Logout §2 says the OP
/// "SHOULD accept ID Tokens when the RP identified by the ID Token's aud claim and/or sid claim
/// has a current session or had a recent session at the OP, even when the exp time has passed".
struct IDTokenHintVerifier: Sendable {
    let issuer: String

    /// What a verified hint tells.
    struct Hint: Sendable, Equatable {
        var subject: String
        var audiences: [String]
        var sessionID: String?
    }

    private struct Payload: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var sid: String?

        func verify(using _: some JWTAlgorithm) throws {}
    }

    /// `nil` when the token is malformed, not signed by one of `jwksJSON`'s keys, or not ours.
    func verify(_ token: String, jwksJSON: [UInt8]) async -> Hint? {
        guard token.utf8.count <= 16 * 1024 else { return nil }
        do {
            let keys = JWTKeyCollection()
            _ = try await keys.add(jwksJSON: String(decoding: jwksJSON, as: UTF8.self))
            let payload = try await keys.verify(token, as: Payload.self)
            guard payload.iss.value == issuer else { return nil }
            return Hint(subject: payload.sub.value, audiences: payload.aud.value, sessionID: payload.sid)
        } catch {
            return nil
        }
    }
}
