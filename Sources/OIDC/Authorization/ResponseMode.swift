/// How the authorization response travels back (OAuth 2.0 Multiple Response Type Encoding
/// Practices §2.1). `query` is the default for `response_type=code`; `form_post` is OAuth 2.0
/// Form Post Response Mode §2.
public enum ResponseMode: String, Sendable, Equatable, CaseIterable {
    case query
    case formPost = "form_post"
}
