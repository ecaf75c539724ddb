import Synchronization

/// An asynchronous gate with two modes: *exclusive* holders (transactions) one at a time and
/// alone, *shared* holders (single statements) any number at once. Waiters are served in FIFO
/// order (a waiting exclusive holder is not overtaken by later shared ones).
///
/// Actors alone do not serialize work that suspends (they are re-entrant), so a transaction's
/// statements on a single connection are kept together by holding this gate exclusively around
/// them; single statements only need to stay out of a transaction, and the connection runs
/// them one after the other anyway.
///
/// A lock-protected state rather than an actor: taking a free gate and releasing one without
/// waiters complete synchronously, with no hop to another executor (the common case on the
/// token endpoint); only a caller that must wait suspends.
final class SerialGate: Sendable {
    private enum Mode {
        case shared
        case exclusive
    }

    private struct Waiter {
        let mode: Mode
        /// Resumed with `true` when admitted, `false` when the gate was closed.
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State: ~Copyable {
        var sharedHolders = 0
        var isHeldExclusively = false
        var isClosed = false
        var waiters: [Waiter] = []

        mutating func admit(_ mode: Mode) -> Bool {
            guard waiters.isEmpty, !isHeldExclusively else { return false }
            switch mode {
            case .shared:
                sharedHolders += 1
                return true
            case .exclusive:
                guard sharedHolders == 0 else { return false }
                isHeldExclusively = true
                return true
            }
        }

        /// Admits waiters from the front of the queue while they fit; returns whom to resume.
        mutating func admitWaiters() -> (admitted: [Waiter], refused: [Waiter]) {
            if isClosed {
                defer { waiters = [] }
                return ([], waiters)
            }
            var admitted: [Waiter] = []
            while let first = waiters.first, !isHeldExclusively {
                if first.mode == .exclusive {
                    guard sharedHolders == 0 else { break }
                    isHeldExclusively = true
                } else {
                    sharedHolders += 1
                }
                admitted.append(waiters.removeFirst())
            }
            return (admitted, [])
        }
    }

    private let state = Mutex(State())

    /// Runs `body` holding the gate alone. Throws `StorageError.backend` once the gate is closed.
    func withGate<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire(.exclusive)
        defer { release(.exclusive) }
        return try await body()
    }

    /// Runs `body` holding the gate together with other shared holders, never while an exclusive
    /// holder has it. Throws `StorageError.backend` once the gate is closed.
    func withShared<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire(.shared)
        defer { release(.shared) }
        return try await body()
    }

    /// Runs `body` holding the gate alone, then closes it for good (waiters and later callers
    /// get `StorageError.backend`). Returns `false` when it was already closed (and `body` did
    /// not run).
    func close(_ body: @Sendable () async throws -> Void) async throws -> Bool {
        do {
            try await acquire(.exclusive)
        } catch {
            return false
        }
        state.withLock { $0.isClosed = true }
        defer { release(.exclusive) }
        try await body()
        return true
    }

    private func acquire(_ mode: Mode) async throws {
        let admitted: Bool? = state.withLock { state in
            state.isClosed ? nil : state.admit(mode)
        }
        switch admitted {
        case .some(true):
            return
        case .none:
            throw StorageError.backend("the database is closed")
        case .some(false):
            let admitted = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                // The holders may have left between the two locks: check again before queueing.
                let immediate: Bool? = state.withLock { state in
                    if state.isClosed { return false }
                    if state.admit(mode) { return true }
                    state.waiters.append(Waiter(mode: mode, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
            guard admitted else { throw StorageError.backend("the database is closed") }
        }
    }

    private func release(_ mode: Mode) {
        let (admitted, refused) = state.withLock { state in
            switch mode {
            case .shared: state.sharedHolders -= 1
            case .exclusive: state.isHeldExclusively = false
            }
            return state.admitWaiters()
        }
        for waiter in admitted { waiter.continuation.resume(returning: true) }
        for waiter in refused { waiter.continuation.resume(returning: false) }
    }
}
