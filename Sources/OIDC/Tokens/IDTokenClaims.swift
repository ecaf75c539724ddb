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
    /// OIDC Core §2 `acr`, only when the client asked for a class this provider knows.
    public var acr: String?
    /// User claims requested for the ID token by the `claims` parameter (OIDC Core §5.5), e.g.
    /// `nickname`; never one of the names above.
    public var extra: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, azp, exp, iat
        case authTime = "auth_time"
        case nonce
        case atHash = "at_hash"
        case amr, sid, acr
    }

    private struct ExtraKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
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

    /// The members this type writes itself; an `extra` claim of one of these names is dropped.
    static let registeredNames: Set<String> = [
        "iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash", "amr", "sid", "acr",
    ]

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
        if let acr, !acr.isEmpty { try c.encode(acr, forKey: .acr) }
        if !extra.isEmpty {
            var others = encoder.container(keyedBy: ExtraKey.self)
            for (name, value) in extra.sorted(by: { $0.key < $1.key }) where !Self.registeredNames.contains(name) && !value.isEmpty {
                try others.encode(value, forKey: ExtraKey(stringValue: name))
            }
        }
    }
}
