/// The claims of a Back-Channel Logout token (Back-Channel Logout 1.0 §2.4): "iss, sub (or sid),
/// aud, iat, exp, jti, events" with the back-channel logout event, `sid` when the session is
/// known, and never a `nonce` ("A nonce Claim MUST NOT be present").
struct LogoutTokenClaims: Encodable, Sendable {
    static let event = "http://schemas.openid.net/event/backchannel-logout"

    let iss: String
    let sub: String
    let aud: String
    let iat: Int
    let exp: Int
    let jti: String
    let sid: String?

    private struct Empty: Encodable {}

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, iat, exp, jti, sid, events
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(iss, forKey: .iss)
        try c.encode(sub, forKey: .sub)
        try c.encode(aud, forKey: .aud)
        try c.encode(iat, forKey: .iat)
        try c.encode(exp, forKey: .exp)
        try c.encode(jti, forKey: .jti)
        try c.encodeIfPresent(sid, forKey: .sid)
        try c.encode([Self.event: Empty()], forKey: .events)
    }
}
