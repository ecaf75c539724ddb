/// A refused simulator control operation.
public struct SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case unknownUser, clockNotManual
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The user id names no configured user.
    public static let unknownUser = SimulatorError(.unknownUser)
    /// The clock can only be advanced when the simulator runs on a ``ManualSimulatorClock``.
    public static let clockNotManual = SimulatorError(.clockNotManual)

    public var description: String {
        switch code {
        case .unknownUser: "no configured user has this id"
        case .clockNotManual: "the simulator is not using a manual clock"
        }
    }
}
