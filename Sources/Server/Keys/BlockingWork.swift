import Foundation

/// Runs CPU-heavy synchronous work (generating a key takes a noticeable fraction of a second)
/// on a thread of its own, so it does not occupy one of the few threads of Swift's cooperative
/// pool that every request and database continuation needs.
enum BlockingWork {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
