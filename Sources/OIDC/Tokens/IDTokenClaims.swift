/// The claims of an ID token (OIDC Core §2). Times are integer NumericDates (seconds).
public struct IDTokenClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var sub: String
    public var aud: String
    public var azp: String
    public var exp: Int
    public var iat: Int
    public var authTime: Int
    public var nonce: String?
    public var atHash: String?
    public var amr: [String]?
    public var sid: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, azp, exp, iat
        case authTime = "auth_time"
        case nonce
        case atHash = "at_hash"
        case amr, sid
    }

    public init(
        iss: String, sub: String, aud: String, exp: Int, iat: Int, authTime: Int,
        nonce: String?, atHash: String?, amr: [String]?, sid: String? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        // OIDC Core §2 `azp`: "the OAuth 2.0 Client ID of this party".
        self.azp = aud
        self.exp = exp
        self.iat = iat
        self.authTime = authTime
        self.nonce = nonce
        self.atHash = atHash
        self.amr = amr
        self.sid = sid
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(iss, forKey: .iss)
        try c.encode(sub, forKey: .sub)
        try c.encode(aud, forKey: .aud)
        try c.encode(azp, forKey: .azp)
        try c.encode(exp, forKey: .exp)
        try c.encode(iat, forKey: .iat)
        try c.encode(authTime, forKey: .authTime)
        // OIDC Core §2: nonce only when sent; no empty claims.
        try c.encodeIfPresent(nonce, forKey: .nonce)
        try c.encodeIfPresent(atHash, forKey: .atHash)
        if let amr, !amr.isEmpty { try c.encode(amr, forKey: .amr) }
        try c.encodeIfPresent(sid, forKey: .sid)
    }
}
