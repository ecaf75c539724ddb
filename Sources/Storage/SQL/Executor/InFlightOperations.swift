/// Counts operations in progress so that closing waits for them, and refuses new ones once
/// closing has begun.
actor InFlightOperations {
    private var count = 0
    private var isClosed = false
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` as one operation. Throws `StorageError.backend` once closed.
    nonisolated func perform<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await enter()
        do {
            let value = try await body()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }

    /// Refuses new operations and waits for the running ones to end. Returns `false` when it was
    /// already closed.
    func close() async -> Bool {
        guard !isClosed else { return false }
        isClosed = true
        if count > 0 {
            await withCheckedContinuation { drainWaiters.append($0) }
        }
        return true
    }

    private func enter() throws {
        if isClosed { throw StorageError.backend("the database is closed") }
        count += 1
    }

    private func leave() {
        count -= 1
        if count == 0, isClosed {
            let waiters = drainWaiters
            drainWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }
}
