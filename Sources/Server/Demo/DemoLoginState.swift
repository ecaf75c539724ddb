import Foundation
import Synchronization

/// The demo RP's per-login secrets (state, nonce, PKCE verifier), kept in memory: the demo
/// runs in one process. Bounded so a flood of logins cannot grow it without limit.
final class DemoLoginState: Sendable {
    struct Entry: Sendable {
        let nonce: String
        let verifier: String
        let created: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity = 10_000

    func insert(state: String, entry: Entry) {
        entries.withLock { entries in
            if entries.count >= capacity {
                let cutoff = Date().addingTimeInterval(-600)
                entries = entries.filter { $0.value.created > cutoff }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[state] = entry
        }
    }

    func take(state: String) -> Entry? {
        entries.withLock { $0.removeValue(forKey: state) }
    }
}
