/// How the authorization response travels back (OAuth 2.0 Multiple Response Type Encoding
/// Practices §2.1). `query` is the default for `response_type=code`.
public enum ResponseMode: String, Sendable, Equatable, CaseIterable {
    case query
}
