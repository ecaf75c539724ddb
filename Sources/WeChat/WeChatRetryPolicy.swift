/// How often and how patiently a failed WeChat call is tried again.
///
/// WECHAT.md §4, errcode `-1`: "system busy — retry with back-off, then fail as temporarily
/// unavailable". Only `-1` and transport failures (connection error, timeout) are retried:
/// every other errcode is an answer, and a code can only be used once anyway.
///
/// The delay before attempt `n + 1` is `baseDelay × 2^(n-1)`, capped at `maxDelay`, then scaled by
/// a random factor in `0.5 ... 1.0` ("equal jitter") so that replicas do not retry in step.
public struct WeChatRetryPolicy: Sendable, Hashable {
    /// Total attempts, the first one included. `1` disables retries. Values below 1 count as 1.
    public var maxAttempts: Int
    /// Delay before the second attempt (before jitter).
    public var baseDelay: Duration
    /// Upper bound of any single delay (before jitter).
    public var maxDelay: Duration

    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(2)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Three attempts, 200 ms base delay.
    public static let `default` = WeChatRetryPolicy()

    /// A single attempt.
    public static let none = WeChatRetryPolicy(maxAttempts: 1)

    var attempts: Int { max(1, maxAttempts) }

    /// The delay to wait after failed attempt number `attempt` (1-based), jitter included.
    func delay(afterAttempt attempt: Int, jitter: Double = Double.random(in: 0.5...1.0)) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        var delay = baseDelay * (1 << exponent)
        if delay > maxDelay || delay < .zero { delay = maxDelay }
        return delay * min(max(jitter, 0), 1)
    }
}
