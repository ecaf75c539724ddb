import SQLKit

/// One numbered, forward-only schema change. Versions start at 1 and never change once shipped;
/// add a new migration rather than editing an old one.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Applies the change; runs inside the migration's transaction.
    let apply: @Sendable (any SQLDatabase) async throws -> Void
}
