/// An authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), parsed once from the query
/// or the form body. Unknown parameters are ignored (OIDC Core §3.1.2.1: "other parameters …
/// MUST be ignored" when not understood); parameters sent more than once are remembered,
/// because RFC 6749 §3.1 says they "MUST NOT be included more than once".
public struct AuthorizationRequest: Sendable, Equatable {
    /// Longest value accepted for any one parameter.
    public static let maximumParameterLength = 4096

    public var clientID: String?
    public var redirectURI: String?
    public var responseType: String?
    public var responseMode: String?
    public var scope: String?
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var codeChallengeMethod: String?
    public var prompt: String?
    public var maxAge: String?
    public var loginHint: String?
    public var display: String?
    public var uiLocales: String?
    public var claimsLocales: String?
    public var idTokenHint: String?
    public var acrValues: String?
    public var claims: String?
    public var request: String?
    public var requestURI: String?
    /// Names of parameters that appeared more than once.
    public var repeatedParameters: Set<String>
    /// Names of parameters longer than `maximumParameterLength`.
    public var oversizedParameters: Set<String>

    public init(parameters: [(name: String, value: String)]) {
        var values: [String: String] = [:]
        var repeated = Set<String>()
        var oversized = Set<String>()
        for (name, value) in parameters {
            if values[name] != nil { repeated.insert(name) }
            if value.utf8.count > Self.maximumParameterLength { oversized.insert(name) }
            values[name] = value
        }
        // OIDC Core §3.1.2.1 / RFC 6749 §3.1: "Parameters sent without a value MUST be treated
        // as if they were omitted from the request."
        func value(_ name: String) -> String? {
            guard let v = values[name], !v.isEmpty else { return nil }
            return v
        }
        clientID = value("client_id")
        redirectURI = value("redirect_uri")
        responseType = value("response_type")
        responseMode = value("response_mode")
        scope = value("scope")
        state = value("state")
        nonce = value("nonce")
        codeChallenge = value("code_challenge")
        codeChallengeMethod = value("code_challenge_method")
        prompt = value("prompt")
        maxAge = value("max_age")
        loginHint = value("login_hint")
        display = value("display")
        uiLocales = value("ui_locales")
        claimsLocales = value("claims_locales")
        idTokenHint = value("id_token_hint")
        acrValues = value("acr_values")
        claims = value("claims")
        request = value("request")
        requestURI = value("request_uri")
        repeatedParameters = repeated
        oversizedParameters = oversized
    }
}
