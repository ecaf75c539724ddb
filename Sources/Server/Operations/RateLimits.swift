import HTTPTypes
import Hummingbird
import OIDC

/// The rate limits of `/authorize`, `/token`, `/par` and `/register` (`rate_limit.per_address`,
/// `rate_limit.per_client`), answered with RFC 6585 §4 `429 Too Many Requests` and a
/// `Retry-After` (RFC 9110 §10.2.3). Browsers get an error page, clients an RFC 6749 §5.2-shaped
/// JSON error (`temporarily_unavailable`, the closest code the OAuth registry has).
struct RateLimits: Sendable {
    let addresses: ClientAddressResolver
    /// nil when `rate_limit.per_address` is 0.
    let perAddress: RateLimiter?
    /// nil when `rate_limit.per_client` is 0.
    let perClient: RateLimiter?

    init(settings: OperationsSettings) {
        addresses = ClientAddressResolver(trustedProxies: settings.trustedProxies)
        perAddress = settings.rateLimitPerAddress > 0
            ? RateLimiter(rate: settings.rateLimitPerAddress, burst: 2 * settings.rateLimitPerAddress) : nil
        perClient = settings.rateLimitPerClient > 0
            ? RateLimiter(rate: settings.rateLimitPerClient, burst: 2 * settings.rateLimitPerClient) : nil
    }

    /// The paths whose requests count against the per-address limit.
    static let limitedPaths: Set<String> = [
        ProviderMetadata.Path.authorization, ProviderMetadata.Path.token, ProviderMetadata.Path.pushedAuthorizationRequest,
        ProviderMetadata.Path.registration,
    ]

    static func isLimited(path: String) -> Bool {
        if limitedPaths.contains(path) { return true }
        // RFC 7592 client configuration endpoints: /register/{client_id}.
        return path.hasPrefix(ProviderMetadata.Path.registration + "/")
    }

    /// Seconds to wait when `clientID` is over its limit; nil when the request may go on.
    func clientRetryAfter(_ clientID: String) -> Int? {
        guard let perClient else { return nil }
        let decision = perClient.admit(clientID)
        return decision.allowed ? nil : decision.retryAfter
    }

    /// The JSON 429 answer for an API endpoint.
    static func tooManyRequestsJSON(retryAfter: Int) -> Response {
        let body: [UInt8] = Array(#"{"error":"temporarily_unavailable","error_description":"too many requests; retry later"}"#.utf8)
        return HTTPHelpers.json(body, status: .tooManyRequests, noStore: true, extraHeaders: [(.retryAfter, String(retryAfter))])
    }

    /// The HTML 429 page for the browser-facing authorization endpoint.
    static func tooManyRequestsPage(pages: PageRenderer, retryAfter: Int) -> Response {
        var response = pages.errorPage(
            title: "Too many requests", message: "Too many sign-in attempts from here. Please wait \(retryAfter) s and try again.",
            code: "temporarily_unavailable", status: .tooManyRequests
        )
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }
}
