import Synchronization

/// Remembers what JSON texts decoded to, keyed by the exact text, so a document read on every
/// request (a client's metadata at the token endpoint) is decoded once per distinct text rather
/// than once per read.
///
/// Keyed by the whole stored text, it can never answer with a stale value: a changed document
/// is a different key. The row itself is still read every time, so a deleted client or a rotated
/// secret takes effect at once. At most `capacity` texts are kept; when full the memo starts
/// over (one decode per text again), which bounds memory whatever the stored documents are.
final class DecodedJSONMemo<Value: Decodable & Sendable>: Sendable {
    private let capacity: Int
    private let entries = Mutex<[String: Value]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The value `text` decodes to; throws `StorageError.backend` as `SQLColumnCoding.decodeJSON`.
    func decode(_ text: String) throws -> Value {
        if let known = entries.withLock({ $0[text] }) { return known }
        let value = try SQLColumnCoding.decodeJSON(Value.self, from: text)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[text] = value
        }
        return value
    }
}
