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

    /// One parsed key, freed with its slot.
    private final class Handle {
        let key: OpaquePointer

        init(key: OpaquePointer) {
            self.key = key
        }

        deinit { EVP_PKEY_free(key) }
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
            slots.append(Slot(try Self.parse(pem: pem)))
        }
        self.slots = slots
        self.padding = padding
    }

    public static var defaultParallelism: Int { max(2, ProcessInfo.processInfo.activeProcessorCount * 2) }

    private static func parse(pem: String) throws -> Handle {
        let bytes = Array(pem.utf8)
        let key: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw Failure(description: "not a PEM private key") }
        let handle = Handle(key: key)
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA, EVP_PKEY_get_bits(key) >= 2048 else {
            throw Failure(description: "not an RSA key of at least 2048 bits")
        }
        return handle
    }

    /// Signs `message` with RS256 or PS256 and returns the raw signature bytes (as long as the
    /// modulus).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        let start = next.wrappingAdd(1, ordering: .relaxed).oldValue
        let padding = self.padding
        // Take the first free slot; if every slot is busy, wait on the one we started at.
        for offset in 0..<slots.count {
            let slot = slots[(start &+ offset) % slots.count]
            if let result = try slot.handle.withLockIfAvailable({ try Self.sign(message, key: $0.key, padding: padding) }) {
                return result
            }
        }
        return try slots[start % slots.count].handle.withLock { try Self.sign(message, key: $0.key, padding: padding) }
    }

    private static func sign(_ message: [UInt8], key: OpaquePointer, padding: Padding) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw Failure(description: "EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &keyContext, EVP_sha256(), nil, key) == 1, let keyContext else {
            ERR_clear_error()
            throw Failure(description: "EVP_DigestSignInit failed")
        }
        if padding == .pss {
            // RFC 7518 §3.5: MGF1 with the same hash, salt length = hash length (32 octets).
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1,
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) == 1,
                  EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, EVP_sha256()) == 1
            else {
                ERR_clear_error()
                throw Failure(description: "setting RSA-PSS parameters failed")
            }
        }
        var length = Int(EVP_PKEY_get_size(key))
        var signature = [UInt8](repeating: 0, count: length)
        let ok = message.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count)
            }
        }
        guard ok == 1 else {
            ERR_clear_error()
            throw Failure(description: "EVP_DigestSign failed")
        }
        return Array(signature.prefix(length))
    }
}
