/// `client_id` must name a registered client (RFC 6749 §4.1.2.1: "If the request fails due to
/// a missing, invalid, or mismatching redirection URI, or if the client identifier is missing
/// or invalid, the authorization server SHOULD inform the resource owner of the error and MUST
/// NOT automatically redirect").
enum CheckClient {
    static func run(_ request: AuthorizationRequest, client: ClientDescription?) -> Result<ClientDescription, OAuthError> {
        if request.repeatedParameters.contains("client_id") {
            return .failure(.invalidRequest("client_id was sent more than once"))
        }
        guard request.clientID != nil else {
            return .failure(.invalidRequest("client_id is missing"))
        }
        guard let client, client.id == request.clientID else {
            return .failure(.invalidClient("unknown client_id"))
        }
        return .success(client)
    }
}
