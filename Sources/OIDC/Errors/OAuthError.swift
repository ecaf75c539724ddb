/// An OAuth 2.0 / OpenID Connect error, as sent in an error response.
///
/// RFC 6749 §4.1.2.1 (authorization endpoint), §5.2 (token endpoint), RFC 6750 §3.1 (bearer
/// resources) and OIDC Core §3.1.2.6 define the codes. A struct around a private code enum, so
/// adding a code never breaks callers; `description` is fixed, generic text that is safe to
/// show (RFC 6749 §5.2: "error_description … MUST NOT include characters outside the set
/// %x20-21 / %x23-5B / %x5D-7E").
public struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case unauthorizedClient = "unauthorized_client"
        case accessDenied = "access_denied"
        case unsupportedResponseType = "unsupported_response_type"
        case invalidScope = "invalid_scope"
        case serverError = "server_error"
        case temporarilyUnavailable = "temporarily_unavailable"
        case invalidClient = "invalid_client"
        case invalidGrant = "invalid_grant"
        case unsupportedGrantType = "unsupported_grant_type"
        case invalidToken = "invalid_token"
        case insufficientScope = "insufficient_scope"
        case loginRequired = "login_required"
        case interactionRequired = "interaction_required"
        case requestNotSupported = "request_not_supported"
        case requestURINotSupported = "request_uri_not_supported"
        case registrationNotSupported = "registration_not_supported"
        // RFC 7591 §3.2.2
        case invalidRedirectURI = "invalid_redirect_uri"
        case invalidClientMetadata = "invalid_client_metadata"
        // RFC 7009 §2.2.1
        case unsupportedTokenType = "unsupported_token_type"
        // RFC 9126 §2.3 / OIDC Core §3.1.2.6
        case invalidRequestObject = "invalid_request_object"
        case invalidRequestURI = "invalid_request_uri"
    }

    private let code: Code
    /// Human-readable, ASCII, no quotes or backslashes (RFC 6749 §5.2).
    public let errorDescription: String?

    private init(_ code: Code, _ description: String?) {
        self.code = code
        self.errorDescription = description.map(OAuthError.sanitized)
    }

    /// The `error` value on the wire.
    public var error: String { code.rawValue }
    public var description: String {
        errorDescription.map { "\(code.rawValue): \($0)" } ?? code.rawValue
    }

    /// Returns a copy with another description.
    public func describing(_ text: String) -> OAuthError { OAuthError(code, text) }

    /// RFC 6749 §5.2 status codes: 401 for `invalid_client` (with `WWW-Authenticate`), 400
    /// otherwise; RFC 6750 §3.1: 401 `invalid_token`, 403 `insufficient_scope`; 500/503 for
    /// server-side failures.
    public var httpStatus: Int {
        switch code {
        case .invalidClient, .invalidToken: 401
        case .insufficientScope: 403
        case .serverError: 500
        case .temporarilyUnavailable: 503
        default: 400
        }
    }

    public static func invalidRequest(_ d: String? = nil) -> OAuthError { .init(.invalidRequest, d) }
    public static func unauthorizedClient(_ d: String? = nil) -> OAuthError { .init(.unauthorizedClient, d) }
    public static func accessDenied(_ d: String? = nil) -> OAuthError { .init(.accessDenied, d) }
    public static func unsupportedResponseType(_ d: String? = nil) -> OAuthError { .init(.unsupportedResponseType, d) }
    public static func invalidScope(_ d: String? = nil) -> OAuthError { .init(.invalidScope, d) }
    public static func serverError(_ d: String? = nil) -> OAuthError { .init(.serverError, d) }
    public static func temporarilyUnavailable(_ d: String? = nil) -> OAuthError { .init(.temporarilyUnavailable, d) }
    public static func invalidClient(_ d: String? = nil) -> OAuthError { .init(.invalidClient, d) }
    public static func invalidGrant(_ d: String? = nil) -> OAuthError { .init(.invalidGrant, d) }
    public static func unsupportedGrantType(_ d: String? = nil) -> OAuthError { .init(.unsupportedGrantType, d) }
    public static func invalidToken(_ d: String? = nil) -> OAuthError { .init(.invalidToken, d) }
    public static func insufficientScope(_ d: String? = nil) -> OAuthError { .init(.insufficientScope, d) }
    public static func unsupportedTokenType(_ d: String? = nil) -> OAuthError { .init(.unsupportedTokenType, d) }
    public static func invalidRequestObject(_ d: String? = nil) -> OAuthError { .init(.invalidRequestObject, d) }
    public static func invalidRequestURI(_ d: String? = nil) -> OAuthError { .init(.invalidRequestURI, d) }
    public static func loginRequired(_ d: String? = nil) -> OAuthError { .init(.loginRequired, d) }
    public static func interactionRequired(_ d: String? = nil) -> OAuthError { .init(.interactionRequired, d) }
    public static func requestNotSupported(_ d: String? = nil) -> OAuthError { .init(.requestNotSupported, d) }
    public static func requestURINotSupported(_ d: String? = nil) -> OAuthError { .init(.requestURINotSupported, d) }
    public static func registrationNotSupported(_ d: String? = nil) -> OAuthError { .init(.registrationNotSupported, d) }
    /// RFC 7591 §3.2.2: "The value of one or more redirection URIs is invalid."
    public static func invalidRedirectURI(_ d: String? = nil) -> OAuthError { .init(.invalidRedirectURI, d) }
    /// RFC 7591 §3.2.2: "The value of one of the client metadata fields is invalid and the
    /// server has rejected this request."
    public static func invalidClientMetadata(_ d: String? = nil) -> OAuthError { .init(.invalidClientMetadata, d) }

    /// Keeps only the characters RFC 6749 §5.2 allows in `error_description`.
    static func sanitized(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            let v = scalar.value
            return v == 0x20 || v == 0x21 || (0x23...0x5B).contains(v) || (0x5D...0x7E).contains(v)
        }))
    }
}
