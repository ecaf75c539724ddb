import Foundation
import OIDC
import Storage

extension SigningKeyManager {
    /// The keys of the database loaded from the keys directory.
    public struct LoadedKeys: Sendable {
        /// The active key of each algorithm, and every published key.
        public var keySet: KeySet
        /// The published keys' records, oldest first.
        public var records: [SigningKeyRecord]
        /// The earliest scheduled activation still ahead (or overdue), if any.
        public var nextActivation: Date?
        /// Published keys left out of the JWKS because their file is missing or unreadable here.
        public var unreadable: [String]
    }

    /// Loads the published keys into a `KeySet`, reusing already-parsed keys from `cache`.
    public func loadKeySet(cache: [String: SigningKeyMaterial] = [:]) async throws -> KeySet {
        try await loadKeys(cache: cache).keySet
    }

    /// Loads every published key (state `next`, `active`, `previous`), reusing already-parsed
    /// keys from `cache`. A published key whose file is missing here is left out (and named in
    /// `unreadable`) unless it is active: an active key that does not load is an error, as is
    /// the absence of an active RS256 key.
    public func loadKeys(cache: [String: SigningKeyMaterial] = [:]) async throws -> LoadedKeys {
        let records = try await store.list().filter { $0.state.isPublished }
        var signing: [SigningKeyMaterial] = []
        var published: [SigningKeyMaterial] = []
        var unreadable: [String] = []
        for record in records {
            let material: SigningKeyMaterial
            if let cached = cache[record.kid], cached.algorithm == record.algorithm {
                material = cached
            } else {
                do {
                    material = try loadMaterial(record)
                } catch {
                    if record.state == .active { throw error }
                    unreadable.append(record.kid)
                    continue
                }
            }
            if record.state == .active {
                // The store allows one active key per algorithm; should two appear, the newer wins.
                signing.removeAll { $0.algorithm == material.algorithm }
                signing.append(material)
            }
            published.append(material)
        }
        guard signing.contains(where: { $0.signingAlgorithm == .default }) else {
            throw StorageError.notFound("no active \(SigningAlgorithm.default.jwsName) signing key")
        }
        let nextActivation = records.filter { $0.state == .next }.compactMap(\.activatesAt).min()
        return LoadedKeys(
            keySet: try KeySet(signing: signing, alsoPublished: published),
            records: records, nextActivation: nextActivation, unreadable: unreadable
        )
    }

    /// Reads and parses the private key file of `record` for its algorithm.
    func loadMaterial(_ record: SigningKeyRecord) throws -> SigningKeyMaterial {
        guard let algorithm = SigningAlgorithm(jwsName: record.algorithm) else {
            throw SigningKeyError.unsupportedAlgorithm(record.algorithm)
        }
        let path = (directory as NSString).appendingPathComponent(record.fileName)
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw StorageError.notFound("signing key file \(path) is missing or unreadable")
        }
        return try SigningKeyMaterial(kid: record.kid, algorithm: algorithm, pem: pem)
    }
}
