import COpenSSL
import Foundation
import Synchronization

/// RSASSA-PKCS1-v1_5 with SHA-256 (JWS `RS256`, RFC 7518 §3.3) through the system OpenSSL 3.
///
/// The token endpoint's ceiling is this signature: Debian's OpenSSL 3 uses the CPU's fastest
/// big-number code paths (AVX-512 IFMA where present), about twice BoringSSL's speed on such
/// machines. The PEM is parsed once into several `EVP_PKEY` handles, each behind its own lock,
/// so concurrent requests sign in parallel without sharing a handle.
public final class OpenSSLRSASigner: Sendable {
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

    /// Parses a PEM private key (PKCS#1 or PKCS#8). Throws when it is not an RSA key of at least
    /// 2048 bits.
    public init(pem: String, parallelism: Int = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)) throws {
        var slots: [Slot] = []
        for _ in 0..<max(1, parallelism) {
            slots.append(Slot(try Self.parse(pem: pem)))
        }
        self.slots = slots
    }

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

    /// Signs `message` with RS256 and returns the raw signature bytes.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        let start = next.wrappingAdd(1, ordering: .relaxed).oldValue
        // Take the first free slot; if every slot is busy, wait on the one we started at.
        for offset in 0..<slots.count {
            let slot = slots[(start &+ offset) % slots.count]
            if let result = try slot.handle.withLockIfAvailable({ try Self.sign(message, key: $0.key) }) {
                return result
            }
        }
        return try slots[start % slots.count].handle.withLock { try Self.sign(message, key: $0.key) }
    }

    private static func sign(_ message: [UInt8], key: OpaquePointer) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw Failure(description: "EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            ERR_clear_error()
            throw Failure(description: "EVP_DigestSignInit failed")
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
