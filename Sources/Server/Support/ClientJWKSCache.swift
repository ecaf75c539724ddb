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
/// make the provider hammer the client's server. A failed fetch is not repeated within
/// `refetchInterval` either: requests meanwhile fail at once instead of each waiting for an
/// unreachable server.
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
    /// When the last fetch of a URI failed.
    private let failures = Mutex<[String: ContinuousClock.Instant]>([:])
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
        if let failedAt = failures.withLock({ $0[uri] }), now - failedAt < refetchInterval {
            throw Failure(description: "\(uri) failed less than \(refetchInterval) ago")
        }
        let keys: [JSONValue]
        do {
            let document = try await fetch(uri)
            guard let parsed = JSONValue.parse(document)?.objectValue?["keys"]?.arrayValue else {
                throw Failure(description: "\(uri) did not return a JWK Set")
            }
            keys = parsed
        } catch {
            failures.withLock { failures in
                if failures.count >= Self.capacity { failures.removeAll(keepingCapacity: true) }
                failures[uri] = now
            }
            throw error
        }
        failures.withLock { $0[uri] = nil }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[uri] = Entry(keys: keys, fetchedAt: now)
        }
        return keys
    }
}
