import Hummingbird
import NIOCore

/// The endpoints an orchestrator and a monitoring system call:
/// - `GET /healthz` (and the older `/health`): the process serves HTTP — 200 `ok`.
/// - `GET /readyz`: the store answers (one read of the signing keys' version, bounded by 2 s)
///   and signing keys are loaded — 200 `ready`, else 503 with the reason (never a secret).
/// - `GET /metrics`: Prometheus text exposition of ``ProviderMetrics`` (unless disabled).
struct OperationsController {
    let env: ProviderEnvironment

    static let readinessTimeout: Duration = .seconds(2)

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.get("/healthz") { _, _ in "ok" }
        router.get("/health") { _, _ in "ok" }
        router.get("/readyz") { _, _ in await readiness() }
        if env.settings.operations.metricsEnabled {
            let metrics = env.metrics
            router.get("/metrics") { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                headers[.cacheControl] = "no-store"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
            }
        }
    }

    func readiness() async -> Response {
        let store = env.stores.signingKeys
        let problem: String?
        do {
            problem = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    _ = try await store.version()
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: Self.readinessTimeout)
                    return "store did not answer within 2 s"
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            problem = "store unreachable"
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let problem {
            env.logger.warning("not ready", metadata: ["reason": "\(problem)"])
            return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "not ready: \(problem)\n")))
        }
        guard !env.keys.current.published.isEmpty else {
            return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "not ready: no signing key\n")))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
    }
}
