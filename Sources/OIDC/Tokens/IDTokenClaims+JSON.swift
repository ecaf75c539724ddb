extension IDTokenClaims {
    /// The claims as JSON, written directly: the same members, in the same order and with the
    /// same omissions as `encode(to:)`, without a `JSONEncoder` (ID tokens are signed on every
    /// token exchange).
    public var jsonBytes: [UInt8] {
        var writer = JSONObjectWriter()
        writer.add("iss", iss)
        writer.add("sub", sub)
        writer.add("aud", aud)
        writer.add("azp", azp)
        writer.add("exp", exp)
        writer.add("iat", iat)
        writer.add("auth_time", authTime)
        if let nonce { writer.add("nonce", nonce) }
        if let atHash { writer.add("at_hash", atHash) }
        if let amr, !amr.isEmpty { writer.add("amr", amr) }
        if let sid { writer.add("sid", sid) }
        if let acr, !acr.isEmpty { writer.add("acr", acr) }
        for (name, value) in extra.sorted(by: { $0.key < $1.key })
        where !Self.registeredNames.contains(name) && !value.isEmpty {
            writer.add(name: name, value)
        }
        return writer.finish()
    }
}
