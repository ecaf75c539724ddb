import Logging
import ServiceLifecycle

/// Runs `work` every `interval` until the service group shuts down; a graceful shutdown ends
/// the wait at once. Failures are logged and the next round runs as planned.
struct PeriodicService: Service {
    let name: String
    let interval: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Void

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                try await work()
            } catch {
                logger.error("\(name) failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
