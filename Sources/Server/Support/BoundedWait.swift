/// Waits for work at most a given time: the caller goes on after `limit` while the work itself
/// finishes in the background.
///
/// For the Official Account's event pushes (WECHAT.md §5.3: "Reply `success` or an empty body
/// within 5 s"): a database that is slow to hand out a connection must not make WeChat wait
/// longer than that.
enum BoundedWait {
    /// Runs `work`; `true` when it finished within `limit`, `false` when the wait was given up.
    static func run(within limit: Duration, _ work: @escaping @Sendable () async -> Void) async -> Bool {
        let (outcomes, continuation) = AsyncStream<Bool>.makeStream()
        Task {
            await work()
            continuation.yield(true)
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            continuation.yield(false)
        }
        for await outcome in outcomes {
            timer.cancel()
            continuation.finish()
            return outcome
        }
        return false
    }
}
