import Foundation

/// Verifies only the signature layer of a compact JWS, whatever its payload (RFC 7515).
///
/// Refuses, in order: oversize or malformed structure; a header that is not a strict JSON
/// object, carries `crit`, or embeds a key; an `alg` outside ES256/RS256; a `kid` that names
/// no key in the set (a header without `kid` is accepted only when the set has exactly one
/// key); an `alg` other than the key's own; a signature that does not verify.
public enum JWSVerifier {
    /// Verifies `token` against a key set.
    /// - Returns: the decoded payload bytes.
    /// - Throws: ``TokenError`` with the refusal's code.
    public static func verify(_ token: String, keys: KeySet) throws -> [UInt8] {
        try CompactJWS.withParts(of: token) { parts in
            let key = try keys.key(for: parts.header)
            try checkSignature(parts, key: key)
            return Array(parts.payload)
        }
    }

    /// Checks the algorithm binding and the signature of already-parsed parts.
    static func checkSignature(_ parts: CompactJWS.Parts, key: VerificationKey) throws {
        guard parts.header.algorithm == key.algorithm else {
            throw TokenError(.algorithmMismatch, "header alg \(parts.header.algorithm.rawValue) is not the key's \(key.algorithm.rawValue)")
        }
        guard key.isValidSignature(UnsafeRawBufferPointer(parts.signature), for: parts.signingInput) else {
            throw TokenError(.badSignature, "signature does not verify")
        }
    }
}
