import Foundation
import OIDC

/// A random server secret kept in a file of the keys directory: the key that seals
/// `client_secret_jwt` secrets and the salt of pairwise subjects (OIDC Core §8.1).
///
/// Created on first start with mode 0600. Several servers that share the keys directory may
/// start at once: the file is written under a temporary name and linked into place, so exactly
/// one value wins and every server reads that one.
public enum ServerSecretFile {
    public static let sealingKeyName = "client-secret-sealing.key"
    public static let pairwiseSaltName = "pairwise-subject.salt"

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The `byteCount` bytes in `directory/name`, created from `random` when missing.
    public static func loadOrCreate(directory: String, name: String, byteCount: Int = 32) throws -> [UInt8] {
        let path = directory + "/" + name
        if let existing = try read(path, byteCount: byteCount) { return existing }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var bytes = [UInt8](repeating: 0, count: byteCount)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let temporary = path + ".\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "cannot write \(temporary)")
        }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        // link(2) fails when another server created the file first; then its value counts.
        if link(temporary, path) != 0, errno != EEXIST {
            throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        guard let written = try read(path, byteCount: byteCount) else {
            throw Failure(description: "\(path) is unreadable")
        }
        return written
    }

    private static func read(_ path: String, byteCount: Int) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), data.count == byteCount else {
            throw Failure(description: "\(path) must hold exactly \(byteCount) bytes")
        }
        return Array(data)
    }

    /// The sealer of `client_secret_jwt` secrets for the keys directory.
    public static func sealer(keysDirectory: String) throws -> SecretSealer {
        let key = try loadOrCreate(directory: keysDirectory, name: sealingKeyName)
        guard let sealer = SecretSealer(key: key) else { throw Failure(description: "the sealing key must be 32 bytes") }
        return sealer
    }
}
