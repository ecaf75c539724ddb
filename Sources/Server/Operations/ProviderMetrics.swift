import Prometheus
import Synchronization

/// The provider's Prometheus metrics, one registry per running application (so tests and
/// several applications in one process never share counters), served at `/metrics` in the
/// Prometheus text exposition format.
///
/// Labels are bounded: routes are router patterns (never raw paths), doors and outcomes are
/// fixed words, WeChat APIs are the client's fixed names and errcodes are WeChat's numbers.
/// Nothing user-supplied becomes a label.
public final class ProviderMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// Request latency buckets, 1 ms to 10 s.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "wechat_oidc", metricName: "http_requests", unitName: "total",
            helpText: "HTTP requests by route, method and status."
        )
    }
    private static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "wechat_oidc", metricName: "http_request_duration", unitName: "seconds",
            helpText: "Time to produce the response, by route and method."
        )
    }
    private static var logins: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "wechat_oidc", metricName: "logins", unitName: "total",
            helpText: "WeChat logins by door and outcome."
        )
    }
    private static var wechatCalls: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "wechat_oidc", metricName: "wechat_calls", unitName: "total",
            helpText: "Calls to WeChat's APIs (each attempt) by API and errcode (0 = success; transport or malformed otherwise)."
        )
    }
    private static var tokensIssued: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "wechat_oidc", metricName: "tokens_issued", unitName: "total",
            helpText: "Tokens issued by grant type and kind of token."
        )
    }

    /// The series of one route, method and status.
    private struct RequestSeries: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    /// The series already made, so a request or an issued token finds its counter in one
    /// dictionary lookup instead of building the metric's name and labels again (the labels are
    /// bounded, see above, and so are these).
    private let requestSeries = Mutex<[RequestSeries: (Counter, DurationHistogram)]>([:])
    private let tokenSeries = Mutex<[[String]: Counter]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// One HTTP request: `route` is the matched router pattern (`unmatched` when none matched).
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestSeries(route: route, method: method, status: status)
        let (counter, histogram) = requestSeries.withLock { series in
            if let known = series[key] { return known }
            let made = (
                registry.makeCounter(
                    descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]
                ),
                registry.makeDurationHistogram(
                    descriptor: Self.requestDuration, labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets
                )
            )
            series[key] = made
            return made
        }
        counter.increment()
        histogram.record(duration)
    }

    /// One login through a WeChat door (`door`: the `amr` value of the door; `outcome`:
    /// `success`, `denied`, `failed`, …).
    func recordLogin(door: String, outcome: String) {
        registry.makeCounter(descriptor: Self.logins, labels: [("door", door), ("outcome", outcome)]).increment()
    }

    /// One attempt of a WeChat API call.
    func recordWeChatCall(api: String, errcode: String) {
        registry.makeCounter(descriptor: Self.wechatCalls, labels: [("api", api), ("errcode", errcode)]).increment()
    }

    /// Tokens handed to a client (`kind`: `access_token`, `id_token`, `refresh_token`).
    func recordTokenIssued(grantType: String, kind: String) {
        tokenSeries.withLock { series in
            if let known = series[[grantType, kind]] { return known }
            let made = registry.makeCounter(descriptor: Self.tokensIssued, labels: [("grant_type", grantType), ("kind", kind)])
            series[[grantType, kind]] = made
            return made
        }.increment()
    }

    /// The exposition text (Prometheus text format 0.0.4).
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
