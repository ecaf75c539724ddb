import Storage

/// One named behaviour every store backend must show, run against fresh, empty `Stores`.
///
/// Failures are recorded with Swift Testing's `#expect`/`#require`, so a check must run inside a
/// test (`@Test(arguments: StorageConformance.checks)`).
public struct StorageConformanceCheck: Sendable, CustomStringConvertible {
    /// `area: behaviour`, e.g. `codes: one winner among concurrent consumes`.
    public let name: String
    let body: @Sendable (Stores) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (Stores) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var description: String { name }

    /// Runs the check against `stores` (which it may fill with rows).
    public func run(on stores: Stores) async throws {
        try await body(stores)
    }
}
