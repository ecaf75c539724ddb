import COpenSSL

/// RSA key generation through the system OpenSSL 3: an optimized library even in debug builds,
/// where swift-crypto's bundled BoringSSL is compiled without optimization and takes seconds of
/// CPU per 2048-bit key — on the cooperative thread pool that async code shares.
enum OpenSSLKeyGenerator {
    /// A new RSA private key of `bits` (public exponent 65537) as unencrypted PKCS#8 PEM
    /// (a PEM `PRIVATE KEY` block).
    static func rsaPKCS8PEM(bits: Int32 = 2048) throws -> String {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
            throw SigningKeyError.unreadableKey("EVP_PKEY_CTX_new_id failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1,
              EVP_PKEY_generate(context, &key) == 1, let key
        else {
            ERR_clear_error()
            throw SigningKeyError.unreadableKey("RSA key generation failed")
        }
        defer { EVP_PKEY_free(key) }
        guard let bio = BIO_new(BIO_s_mem()) else { throw SigningKeyError.unreadableKey("BIO_new failed") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 else {
            ERR_clear_error()
            throw SigningKeyError.unreadableKey("PEM_write_bio_PrivateKey failed")
        }
        let pending = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
        guard read == Int32(pending) else { throw SigningKeyError.unreadableKey("short PEM read") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
