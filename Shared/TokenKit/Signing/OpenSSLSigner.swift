import COpenSSL

/// Signs with the system OpenSSL (libcrypto). On this project's hardware OpenSSL's RSA-2048
/// and P-256 signing measured about twice as fast as swift-crypto's; see docs/BENCHMARKS.md.
///
/// `@unchecked Sendable`: the `EVP_PKEY` and `EVP_MD` are immutable after `init` and OpenSSL 3
/// documents concurrent signing with one key as safe as long as each operation uses its own
/// `EVP_MD_CTX`, which ``sign(_:)`` creates per call.
final class OpenSSLSigner: @unchecked Sendable {
    private let key: OpaquePointer
    private let digest: OpaquePointer

    /// Loads a private key from DER (PKCS#8, or PKCS#1 RSAPrivateKey, or SEC1).
    /// - Throws: ``TokenError`` ``TokenError/Code/invalidKey`` if OpenSSL cannot read it.
    init(privateKeyDER der: [UInt8]) throws {
        let loaded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let loaded else { throw TokenError(.invalidKey, "OpenSSL could not load the private key") }
        guard let digest = EVP_MD_fetch(nil, "SHA256", nil) else {
            EVP_PKEY_free(loaded)
            throw TokenError(.signingFailed, "OpenSSL has no SHA256")
        }
        self.key = loaded
        self.digest = digest
    }

    deinit {
        EVP_PKEY_free(key)
        EVP_MD_free(digest)
    }

    /// Signs `message` with SHA-256: PKCS#1 v1.5 for RSA keys, ECDSA (DER) for EC keys.
    /// - Throws: ``TokenError`` ``TokenError/Code/signingFailed``.
    func sign(_ message: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw TokenError(.signingFailed, "out of memory") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, digest, nil, key) == 1 else {
            ERR_clear_error()
            throw TokenError(.signingFailed, "EVP_DigestSignInit failed")
        }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message.baseAddress, message.count) == 1 else {
            ERR_clear_error()
            throw TokenError(.signingFailed, "EVP_DigestSign (size) failed")
        }
        var signature = [UInt8](repeating: 0, count: length)
        let status = signature.withUnsafeMutableBufferPointer { buffer in
            EVP_DigestSign(context, buffer.baseAddress, &length, message.baseAddress, message.count)
        }
        guard status == 1 else {
            ERR_clear_error()
            throw TokenError(.signingFailed, "EVP_DigestSign failed")
        }
        signature.removeLast(signature.count - length)
        return signature
    }
}
