import Foundation

/// Verifies access tokens locally: the whole rule list of the contract, with no I/O.
///
/// A token is accepted only if it is at most 8 KiB of three strict base64url parts; its
/// header is a strict JSON object without `crit` or embedded keys, with `alg` in the
/// allow-list and equal to the algorithm of the key its `kid` names; the signature
/// verifies; `typ` is `at+jwt`; the claims are a strict JSON object with every member of
/// the profile; `iss` and `aud` match the policy; `exp`, `nbf`, `iat` hold within the
/// leeway; and ``RevocationChecking`` does not refuse it.
public struct AccessTokenVerifier: Sendable {
    /// What the verifier requires of the claims.
    public let policy: ValidationPolicy
    /// The keys, replaced as key events arrive.
    public let keys: KeyDirectory
    /// The revocation source consulted on every verification.
    public let revocations: any RevocationChecking
    private let cache: VerifiedTokenCache

    /// Creates a verifier.
    /// - Parameter cacheCapacity: verified tokens remembered to skip repeated signature
    ///   checks; 0 disables the cache. Default: 100,000 entries (about 40 MB at most).
    public init(
        policy: ValidationPolicy, keys: KeyDirectory, revocations: any RevocationChecking = NoRevocations(), cacheCapacity: Int = 100_000
    ) {
        self.policy = policy
        self.keys = keys
        self.revocations = revocations
        self.cache = VerifiedTokenCache(capacity: cacheCapacity)
    }

    /// Verifies a token at the current time.
    /// - Throws: ``TokenError`` naming the first rule the token breaks.
    public func verify(_ token: String) throws -> AccessTokenClaims {
        try verify(token, now: Date().timeIntervalSince1970)
    }

    /// Verifies a token at a given time (seconds since the epoch).
    /// - Throws: ``TokenError`` naming the first rule the token breaks.
    public func verify(_ token: String, now: Double) throws -> AccessTokenClaims {
        var token = token
        return try token.withUTF8 { bytes in
            guard bytes.count <= CompactJWS.maximumSize else {
                throw TokenError(.tooLarge, "token is larger than \(CompactJWS.maximumSize) bytes")
            }
            let keySet = keys.keys
            guard cache.isEnabled else { return try verifyUncached(bytes, keySet: keySet, now: now) }
            let digest = VerifiedTokenCache.Digest(of: UnsafeRawBufferPointer(bytes))
            if let hit = cache.entry(for: digest), hit.keySetFingerprint == keySet.fingerprint {
                try policy.checkTimes(hit.claims, now: now)
                try checkRevocation(hit.claims)
                return hit.claims
            }
            let claims = try verifyUncached(bytes, keySet: keySet, now: now)
            cache.insert(.init(claims: claims, keySetFingerprint: keySet.fingerprint), for: digest, now: now)
            return claims
        }
    }

    private func verifyUncached(
        _ bytes: UnsafeBufferPointer<UInt8>, keySet: KeySet, now: Double
    ) throws -> AccessTokenClaims {
        try CompactJWS.withParts(of: bytes) { parts in
            guard let kid = parts.header.keyID else { throw TokenError(.unknownKey, "token has no kid") }
            guard let key = keySet.key(forKid: kid) else { throw TokenError(.unknownKey, "kid names no known key") }
            try JWSVerifier.checkSignature(parts, key: key)
            try policy.checkType(parts.header.type)
            let claims = try AccessTokenClaims.read(parts.payload)
            try policy.checkClaims(claims, now: now)
            try checkRevocation(claims)
            return claims
        }
    }

    private func checkRevocation(_ claims: AccessTokenClaims) throws {
        guard !revocations.isRevoked(claims) else { throw TokenError(.revoked, "token is revoked") }
    }

    /// Parses and checks everything but the signature, key and revocation: the cost of the
    /// parse path alone, for benchmarks. Not a verification: never accept a token with it.
    public func inspectWithoutSignature(_ token: String, now: Double) throws -> AccessTokenClaims {
        try CompactJWS.withParts(of: token) { parts in
            try policy.checkType(parts.header.type)
            let claims = try AccessTokenClaims.read(parts.payload)
            try policy.checkClaims(claims, now: now)
            return claims
        }
    }
}
