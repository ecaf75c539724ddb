import JWTKit

/// The ID token as the demo RP checks it, with jwt-kit's claim types.
struct DemoIDToken: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var nonce: String?
    var atHash: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nonce
        case atHash = "at_hash"
    }

    func verify(using _: some JWTAlgorithm) throws {
        try exp.verifyNotExpired()
    }
}
