import Foundation
import Logging
import OIDC
import ServiceLifecycle
import Storage

/// Removes expired codes, tokens, pending logins and sessions once a minute.
struct PurgeService: Service {
    let stores: Stores
    let clock: any ProviderClock
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // A graceful shutdown ends the wait at once (no minute-long exit).
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                let removed = try await stores.purgeExpired(clock.now())
                if removed > 0 { logger.debug("purged expired rows", metadata: ["count": "\(removed)"]) }
            } catch {
                logger.error("purge failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
