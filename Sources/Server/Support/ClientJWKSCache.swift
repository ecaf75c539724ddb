import Foundation
import OIDC
import Synchronization

/// The JWK Sets clients publish at their `jwks_uri` (OIDC Registration §2), for verifying
/// `private_key_jwt` assertions (OIDC Core §9) and signed request objects (OIDC Core §6).
///
/// A set is kept for `lifetime` (5 minutes). OIDC Core §10.1.1: a signer rotates by publishing a
/// new key and using its `kid`; "the verifier knows to go back to the jwks_uri location to
/// re-retrieve the keys when it sees an unfamiliar kid value". A set is fetched again for an
/// unknown `kid` at most once per `refetchInterval` (10 s), so tokens with made-up kids cannot
/// make the provider hammer the client's server.
final class ClientJWKSCache: Sendable {
    typealias Fetch = @Sendable (String) async throws -> [UInt8]

    private struct Entry {
        var keys: [JSONValue]
        var fetchedAt: ContinuousClock.Instant
    }

    let lifetime: Duration
    let refetchInterval: Duration
    private let fetch: Fetch
    private let entries = Mutex<[String: Entry]>([:])
    static let capacity = 1000

    init(fetch: @escaping Fetch, lifetime: Duration = .seconds(300), refetchInterval: Duration = .seconds(10)) {
        self.fetch = fetch
        self.lifetime = lifetime
        self.refetchInterval = refetchInterval
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The keys at `uri`; fetched when not cached, older than `lifetime`, or lacking `kid` and
    /// older than `refetchInterval`.
    func keys(uri: String, kid: String?) async throws -> [JSONValue] {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[uri] }) {
            let age = now - entry.fetchedAt
            let hasKID = kid.map { wanted in entry.keys.contains { $0.objectValue?["kid"]?.stringValue == wanted } } ?? true
            if age < lifetime && (hasKID || age < refetchInterval) { return entry.keys }
        }
        let document = try await fetch(uri)
        guard let keys = JSONValue.parse(document)?.objectValue?["keys"]?.arrayValue else {
            throw Failure(description: "\(uri) did not return a JWK Set")
        }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[uri] = Entry(keys: keys, fetchedAt: now)
        }
        return keys
    }
}
