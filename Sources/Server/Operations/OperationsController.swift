import Hummingbird
import NIOCore
import Storage
import Synchronization

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
        let problem = await Self.storeProblem(env.stores.signingKeys, within: Self.readinessTimeout)
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

    /// Why the store is not usable, or nil when it answered within `limit`. The read runs in a
    /// task of its own and is not awaited past the limit, so a store that hangs (a partitioned
    /// database still inside its connect timeout) cannot hang the probe.
    static func storeProblem(_ store: any SigningKeyStore, within limit: Duration) async -> String? {
        let outcome = FirstAnswer<String?>()
        return await withCheckedContinuation { continuation in
            outcome.install(continuation)
            Task {
                do {
                    _ = try await store.version()
                    outcome.answer(nil)
                } catch {
                    outcome.answer("store unreachable")
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                outcome.answer("store did not answer within \(limit)")
            }
        }
    }
}

/// Resumes a continuation with the first of several answers; later answers are dropped. An
/// answer that comes before the continuation is installed is kept for it.
final class FirstAnswer<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, Never>?
        var answer: Value?
        var answered = false
    }

    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<Value, Never>) {
        // The answer that arrived first, if one did; else the continuation waits for it.
        let arrived: [Value] = state.withLock { state in
            guard state.answered, let answer = state.answer else {
                state.continuation = continuation
                return []
            }
            return [answer]
        }
        if let answer = arrived.first { continuation.resume(returning: answer) }
    }

    func answer(_ value: Value) {
        let continuation: CheckedContinuation<Value, Never>? = state.withLock { state in
            guard !state.answered else { return nil }
            state.answered = true
            state.answer = value
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: value)
    }
}
