import OIDC

/// A response body that writes its own JSON — exactly what `HTTPHelpers.json` would produce
/// through `JSONEncoder` (sorted keys, unescaped slashes) — for the token endpoint's hot path.
protocol DirectJSONEncodable: Encodable {
    var jsonBytes: [UInt8] { get }
}

/// RFC 6749 §5.1 + OIDC Core §3.1.3.3, keys in sorted order. `TokenResponseJSONTests` checks
/// the bytes against `JSONEncoder` and that no member was added to `TokenResponse` without
/// being written here.
extension TokenResponse: DirectJSONEncodable {
    var jsonBytes: [UInt8] {
        var writer = JSONObjectWriter(capacity: 256 + idToken.utf8.count)
        writer.add("access_token", accessToken)
        writer.add("expires_in", expiresIn)
        writer.add("id_token", idToken)
        if let issuedTokenType { writer.add("issued_token_type", issuedTokenType) }
        if let refreshToken { writer.add("refresh_token", refreshToken) }
        writer.add("scope", scope)
        writer.add("token_type", tokenType)
        return writer.finish()
    }
}
