import Foundation
import OIDC
import Synchronization

/// A clock tests move forward instead of sleeping.
final class ManualProviderClock: ProviderClock {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    func now() -> Date { current.withLock { $0 } }

    func advance(seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
