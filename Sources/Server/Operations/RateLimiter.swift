import Synchronization

/// Token-bucket limits keyed by a string (a client address or a client id), in this process.
///
/// Each key may spend `rate` requests per second with bursts of up to `burst`; a request over
/// the limit learns how many whole seconds to wait, for RFC 6585 §4's `429 Too Many Requests`
/// and RFC 9110 §10.2.3's `Retry-After`. At most `capacity` keys are tracked: buckets that have
/// refilled completely are dropped first (they carry no state), so guessing new keys cannot
/// grow memory without bound. Limits are per replica: N replicas admit up to N times `rate`.
final class RateLimiter: Sendable {
    struct Decision: Equatable, Sendable {
        let allowed: Bool
        /// Whole seconds until one request will be admitted again (0 when allowed).
        let retryAfter: Int
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let rate: Double
    let burst: Double
    let capacity: Int
    private let buckets = Mutex<[String: Bucket]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    init(rate: Int, burst: Int, capacity: Int = 100_000, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.rate = Double(max(rate, 1))
        self.burst = Double(max(burst, 1))
        self.capacity = max(capacity, 1)
        self.now = now
    }

    /// Spends one request for `key` if its bucket allows.
    func admit(_ key: String) -> Decision {
        let instant = now()
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: instant)
            bucket.tokens = refilled(bucket, at: instant)
            bucket.updated = instant
            let decision: Decision
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                decision = Decision(allowed: true, retryAfter: 0)
            } else {
                let wait = (1 - bucket.tokens) / rate
                decision = Decision(allowed: false, retryAfter: max(1, Int(wait.rounded(.up))))
            }
            if buckets[key] == nil, buckets.count >= capacity {
                buckets = buckets.filter { refilled($0.value, at: instant) < burst }
                if buckets.count >= capacity { buckets.removeAll(keepingCapacity: true) }
            }
            buckets[key] = bucket
            return decision
        }
    }

    var trackedKeys: Int { buckets.withLock { $0.count } }

    private func refilled(_ bucket: Bucket, at instant: ContinuousClock.Instant) -> Double {
        let elapsed = instant - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return min(burst, bucket.tokens + max(0, seconds) * rate)
    }
}
