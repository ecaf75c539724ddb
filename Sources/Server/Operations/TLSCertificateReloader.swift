import Foundation
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// Built-in TLS (`tls.certificate`, `tls.key`) whose certificate and key are re-read when their
/// files change, so a renewed certificate (certbot, cert-manager) is served without a restart.
///
/// Every TLS handshake asks ``contextCallback`` for the certificate chain and key: the last pair
/// that loaded successfully. ``reloadIfChanged(logger:)`` (run every `tls.reload_interval`
/// seconds, off the event loops) compares the files' modification times and sizes and reloads
/// both together; a pair that fails to load (a half-written file, a key that does not match) is
/// logged and the previous pair stays in service.
final class TLSCertificateReloader: Sendable {
    struct Loaded: Sendable {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let stamp: String
    }

    enum LoadError: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case noCertificate(path: String)

        var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
            case .noCertificate(let path): "\(path) holds no PEM certificate"
            }
        }
    }

    let certificatePath: String
    let keyPath: String
    private let current: Mutex<Loaded>

    /// Loads the pair once; throws when it cannot (start-up then stops, naming the file).
    init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.current = Mutex(try Self.load(certificatePath: certificatePath, keyPath: keyPath))
    }

    /// The server configuration: TLS 1.2+, the loaded pair, and the per-handshake callback.
    func serverConfiguration() -> TLSConfiguration {
        let loaded = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: loaded.chain.map { .certificate($0) }, privateKey: .privateKey(loaded.key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        configuration.sslContextCallback = { [self] _, promise in
            let loaded = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = loaded.chain.map { .certificate($0) }
            override.privateKey = .privateKey(loaded.key)
            promise.succeed(override)
        }
        return configuration
    }

    /// Reloads when either file changed since the last successful load. Returns whether the
    /// served pair changed.
    @discardableResult
    func reloadIfChanged(logger: Logger) -> Bool {
        let stamp = Self.stamp(certificatePath, keyPath)
        guard stamp != current.withLock({ $0.stamp }) else { return false }
        do {
            let loaded = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
            current.withLock { $0 = loaded }
            logger.info("TLS certificate reloaded", metadata: ["certificate": "\(certificatePath)"])
            return true
        } catch {
            logger.error("TLS certificate changed but could not be loaded; still serving the previous one", metadata: ["error": "\(error)"])
            return false
        }
    }

    var servedChain: [NIOSSLCertificate] { current.withLock { $0.chain } }

    private static func load(certificatePath: String, keyPath: String) throws -> Loaded {
        let stamp = stamp(certificatePath, keyPath)
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw LoadError.unreadable(path: certificatePath, reason: "\(error)")
        }
        guard !chain.isEmpty else { throw LoadError.noCertificate(path: certificatePath) }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw LoadError.unreadable(path: keyPath, reason: "\(error)")
        }
        // The key must belong to the leaf certificate, else every handshake would fail.
        do {
            var probe = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            probe.minimumTLSVersion = .tlsv12
            _ = try NIOSSLContext(configuration: probe)
        } catch {
            throw LoadError.unreadable(path: keyPath, reason: "the key does not match the certificate (\(error))")
        }
        return Loaded(chain: chain, key: key, stamp: stamp)
    }

    /// Modification time and size of both files (empty parts for a missing file).
    private static func stamp(_ paths: String...) -> String {
        paths.map { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "-" }
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            return "\(modified):\(size)"
        }.joined(separator: "|")
    }
}
