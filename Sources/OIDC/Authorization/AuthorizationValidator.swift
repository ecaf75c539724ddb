/// Runs the authorization-request checks in order, one rule per `Check*` file
/// (node-oidc-provider style). The first two decide whether the redirect URI can be trusted;
/// until they pass, every failure is an error page.
public struct AuthorizationValidator: Sendable {
    /// Scopes this server understands; others are ignored (OIDC Core §3.1.2.1 / §5.4).
    public var supportedScopes: Set<String>

    public init(supportedScopes: Set<String>) {
        self.supportedScopes = supportedScopes
    }

    /// - Parameter client: the registered client named by `client_id`, or `nil` when unknown.
    public func validate(
        _ request: AuthorizationRequest, client registered: ClientDescription?
    ) -> Result<ValidatedAuthorization, AuthorizationFailure> {
        // Untrusted redirect: error page.
        let client: ClientDescription
        let redirectURI: String
        switch CheckClient.run(request, client: registered) {
        case .failure(let error): return .failure(.errorPage(error))
        case .success(let found): client = found
        }
        switch CheckRedirectURI.run(request, client: client) {
        case .failure(let error): return .failure(.errorPage(error))
        case .success(let uri): redirectURI = uri
        }

        // Trusted redirect: errors go back to the client.
        let responseMode: ResponseMode
        switch CheckResponseMode.run(request) {
        case .failure(let error):
            return .failure(.redirect(error, redirectURI: redirectURI, state: request.state, responseMode: .query))
        case .success(let mode): responseMode = mode
        }
        func refuse(_ error: OAuthError) -> Result<ValidatedAuthorization, AuthorizationFailure> {
            .failure(.redirect(error, redirectURI: redirectURI, state: request.state, responseMode: responseMode))
        }
        if let error = CheckParameterShape.run(request) { return refuse(error) }
        if let error = CheckRequestObject.run(request) { return refuse(error) }
        if let error = CheckResponseType.run(request) { return refuse(error) }
        let scopes: [String]
        switch CheckScope.run(request, supported: supportedScopes) {
        case .failure(let error): return refuse(error)
        case .success(let granted): scopes = granted
        }
        if let error = CheckPKCE.run(request, client: client) { return refuse(error) }
        let prompt: Set<String>
        switch CheckPrompt.run(request) {
        case .failure(let error): return refuse(error)
        case .success(let values): prompt = values
        }
        let maxAge: Int?
        switch CheckMaxAge.run(request, client: client) {
        case .failure(let error): return refuse(error)
        case .success(let value): maxAge = value
        }
        let claims: ClaimsRequest?
        switch CheckClaimsParameter.run(request) {
        case .failure(let error): return refuse(error)
        case .success(let value): claims = value
        }

        var valid = ValidatedAuthorization(
            client: client, redirectURI: redirectURI,
            scopes: OfflineAccessRule.apply(scopes: scopes, prompt: prompt, client: client),
            state: request.state, nonce: request.nonce, codeChallenge: request.codeChallenge,
            codeChallengeMethod: request.codeChallenge == nil ? nil : (request.codeChallengeMethod ?? "S256"),
            responseMode: responseMode
        )
        valid.prompt = prompt
        valid.maxAge = maxAge
        valid.idTokenHint = request.idTokenHint
        valid.loginHint = request.loginHint
        valid.uiLocales = request.uiLocales
        valid.claims = claims
        valid.requestedACRs = (request.acrValues?.split(separator: " ").map(String.init) ?? []) + (claims?.requestedACRs ?? [])
        return .success(valid)
    }
}
