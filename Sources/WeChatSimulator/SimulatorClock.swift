import Foundation
import Synchronization

/// The simulator's notion of "now", injected so tests can expire codes and tokens without
/// sleeping (ARCHITECTURE.md: "Time and randomness are injected").
public protocol SimulatorClock: Sendable {
    var now: Date { get }
}

/// Wall-clock time.
public struct SystemSimulatorClock: SimulatorClock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that only moves when told to. Advance it from Swift or over HTTP
/// (`POST /_simulator/clock/advance {"seconds":N}`).
public final class ManualSimulatorClock: SimulatorClock {
    private let current: Mutex<Date>

    /// Starts at `now` (default: 2024-01-01T00:00:00Z, a fixed instant for reproducible tests).
    public init(now: Date = Date(timeIntervalSince1970: 1_704_067_200)) {
        current = Mutex(now)
    }

    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward (a negative value moves it back).
    public func advance(bySeconds seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        advance(bySeconds: Double(seconds) + Double(attoseconds) / 1e18)
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
