import COpenSSL
import Foundation
import Synchronization

/// RSA signatures with SHA-256 through the system OpenSSL 3: RSASSA-PKCS1-v1_5 (JWS `RS256`,
/// RFC 7518 §3.3) or RSASSA-PSS with MGF1-SHA-256 and a salt as long as the digest, 32 octets
/// (JWS `PS256`, RFC 7518 §3.5: "The size of the salt value is the same size as the hash
/// function output").
///
/// The token endpoint's ceiling is this signature: Debian's OpenSSL 3 uses the CPU's fastest
/// big-number code paths (AVX-512 IFMA where present), about twice BoringSSL's speed on such
/// machines. The PEM is parsed once into several `EVP_PKEY` handles, each behind its own lock,
/// so concurrent requests sign in parallel without sharing a handle.
public final class OpenSSLRSASigner: JWSSigner {
    /// The RSA signature scheme.
    public enum Padding: Sendable {
        /// RSASSA-PKCS1-v1_5 (`RS256`).
        case pkcs1v15
        /// RSASSA-PSS, MGF1 with SHA-256, salt length 32 (`PS256`).
        case pss
    }

    /// One parsed key and a signing context prepared for it (padding and digest set once, as
    /// `openssl speed` does: `EVP_PKEY_sign` may be called again and again on it), freed with
    /// its slot.
    private final class Handle {
        let key: OpaquePointer
        let context: OpaquePointer

        init(key: OpaquePointer, context: OpaquePointer) {
            self.key = key
            self.context = context
        }

        deinit {
            EVP_PKEY_CTX_free(context)
            EVP_PKEY_free(key)
        }
    }

    /// One lock-guarded handle.
    private final class Slot: Sendable {
        let handle: Mutex<Handle>

        init(_ handle: sending Handle) {
            self.handle = Mutex(handle)
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let slots: [Slot]
    private let next = Atomic<Int>(0)
    public let padding: Padding

    public var algorithm: SigningAlgorithm {
        switch padding {
        case .pkcs1v15: .rs256
        case .pss: .ps256
        }
    }

    /// Parses a PEM private key (PKCS#1 or PKCS#8) for RS256. Throws when it is not an RSA key of
    /// at least 2048 bits.
    public convenience init(pem: String, parallelism: Int = OpenSSLRSASigner.defaultParallelism) throws {
        try self.init(pem: pem, padding: .pkcs1v15, parallelism: parallelism)
    }

    /// Parses a PEM private key (PKCS#1 or PKCS#8) that signs with `padding`. Throws when it is
    /// not an RSA key of at least 2048 bits (RFC 7518 §3.3, §3.5: "A key of size 2048 bits or
    /// larger MUST be used").
    public init(pem: String, padding: Padding, parallelism: Int = OpenSSLRSASigner.defaultParallelism) throws {
        var slots: [Slot] = []
        for _ in 0..<max(1, parallelism) {
            slots.append(Slot(try Self.parse(pem: pem, padding: padding)))
        }
        self.slots = slots
        self.padding = padding
    }

    public static var defaultParallelism: Int { max(2, ProcessInfo.processInfo.activeProcessorCount * 2) }

    private static func parse(pem: String, padding: Padding) throws -> Handle {
        let bytes = Array(pem.utf8)
        let key: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw Failure(description: "not a PEM private key") }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA, EVP_PKEY_get_bits(key) >= 2048 else {
            EVP_PKEY_free(key)
            throw Failure(description: "not an RSA key of at least 2048 bits")
        }
        guard let context = EVP_PKEY_CTX_new(key, nil) else {
            EVP_PKEY_free(key)
            throw Failure(description: "EVP_PKEY_CTX_new failed")
        }
        let handle = Handle(key: key, context: context)
        var prepared = EVP_PKEY_sign_init(context) == 1 && EVP_PKEY_CTX_set_signature_md(context, EVP_sha256()) == 1
        switch padding {
        case .pkcs1v15:
            prepared = prepared && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
        case .pss:
            // RFC 7518 §3.5: MGF1 with the same hash, salt length = hash length (32 octets).
            prepared = prepared
                && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(context, EVP_sha256()) == 1
        }
        guard prepared else {
            ERR_clear_error()
            throw Failure(description: "preparing the RSA signing context failed")
        }
        return handle
    }

    /// Signs `message` with RS256 or PS256 and returns the raw signature bytes (as long as the
    /// modulus).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        // SHA-256 first, outside the lock; then the private-key operation on a prepared context.
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var digestLength: UInt32 = 0
        let hashed = message.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &digestLength, EVP_sha256(), nil)
            }
        }
        guard hashed == 1, digestLength == 32 else {
            ERR_clear_error()
            throw Failure(description: "SHA-256 failed")
        }
        let sha256 = Array(digest.prefix(Int(digestLength)))
        let start = next.wrappingAdd(1, ordering: .relaxed).oldValue
        // Take the first free slot; if every slot is busy, wait on the one we started at.
        for offset in 0..<slots.count {
            let slot = slots[(start &+ offset) % slots.count]
            if let result = try slot.handle.withLockIfAvailable({ try Self.sign(digest: sha256, with: $0) }) {
                return result
            }
        }
        return try slots[start % slots.count].handle.withLock { try Self.sign(digest: sha256, with: $0) }
    }

    private static func sign(digest: [UInt8], with handle: Handle) throws -> [UInt8] {
        var length = Int(EVP_PKEY_get_size(handle.key))
        var signature = [UInt8](repeating: 0, count: length)
        let ok = digest.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                EVP_PKEY_sign(handle.context, output.baseAddress, &length, input.baseAddress, input.count)
            }
        }
        guard ok == 1 else {
            ERR_clear_error()
            throw Failure(description: "EVP_PKEY_sign failed")
        }
        return Array(signature.prefix(length))
    }
}
