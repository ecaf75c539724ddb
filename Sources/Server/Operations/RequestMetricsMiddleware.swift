import Hummingbird

/// Counts every request by route pattern, method and status, and records how long the handler
/// took (to the response head), into ``ProviderMetrics``.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ProviderMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: Int(response.status.code), start: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: Int(status), start: start)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status,
            duration: ContinuousClock.now - start
        )
    }
}
