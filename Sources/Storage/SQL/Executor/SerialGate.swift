/// An asynchronous mutual-exclusion gate: one holder at a time, waiters served in FIFO order.
///
/// Actors alone do not serialize work that suspends (they are re-entrant), so a transaction's
/// statements on a single connection are kept together by holding this gate around them.
actor SerialGate {
    private var isHeld = false
    private var isClosed = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` while holding the gate. Throws `StorageError.backend` once the gate is closed.
    nonisolated func withGate<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    /// Runs `body` while holding the gate, then closes it for good. Returns `false` when it was
    /// already closed (and `body` did not run).
    nonisolated func close(_ body: @Sendable () async throws -> Void) async throws -> Bool {
        do {
            try await acquire()
        } catch {
            return false
        }
        await markClosed()
        do {
            try await body()
        } catch {
            await release()
            throw error
        }
        await release()
        return true
    }

    private func acquire() async throws {
        if isClosed { throw StorageError.backend("the database is closed") }
        if isHeld {
            await withCheckedContinuation { waiters.append($0) }
            // Ownership was handed over by `release()`.
            if isClosed {
                release()
                throw StorageError.backend("the database is closed")
            }
        } else {
            isHeld = true
        }
    }

    private func markClosed() {
        isClosed = true
    }

    private func release() {
        if waiters.isEmpty {
            isHeld = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
