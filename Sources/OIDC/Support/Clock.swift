import Foundation

/// The current time, injected so tests can expire codes and tokens without sleeping.
public protocol ProviderClock: Sendable {
    func now() -> Date
}

/// Wall-clock time.
public struct SystemProviderClock: ProviderClock {
    public init() {}
    public func now() -> Date { Date() }
}
