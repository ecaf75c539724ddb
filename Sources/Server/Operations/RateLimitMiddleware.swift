import Hummingbird
import HTTPTypes
import OIDC

/// Applies the per-address limit of ``RateLimits`` before routing, so an over-limit request
/// costs no database work. The per-client limit is applied by the endpoints themselves, once
/// they have read the `client_id`.
struct RateLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let limits: RateLimits
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let perAddress = limits.perAddress, RateLimits.isLimited(path: request.uri.path) else {
            return try await next(request, context)
        }
        let address = limits.addresses.clientAddress(
            peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .xForwardedFor]
        )
        let decision = perAddress.admit(address)
        guard decision.allowed else {
            // Debug only: a flood must not become a flood of log lines (the 429s are counted in
            // wechat_oidc_http_requests_total).
            context.logger.debug("rate limit reached", metadata: ["address": "\(address)", "path": "\(request.uri.path)"])
            return request.uri.path == ProviderMetadata.Path.authorization
                ? RateLimits.tooManyRequestsPage(pages: pages, retryAfter: decision.retryAfter)
                : RateLimits.tooManyRequestsJSON(retryAfter: decision.retryAfter)
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// The de-facto header proxies append the client address to (see ``ClientAddressResolver``).
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
