import Synchronization

/// A thread-safe counter, for closures that may run more than once.
final class Counter: Sendable {
    private let count = Mutex(0)

    /// Adds one; returns the new value.
    @discardableResult
    func increment() -> Int {
        count.withLock { value in
            value += 1
            return value
        }
    }

    var value: Int { count.withLock { $0 } }
}
