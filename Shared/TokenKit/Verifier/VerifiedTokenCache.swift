import COpenSSL
import Synchronization

/// A bounded cache of tokens whose signature and claims already verified, keyed by the
/// SHA-256 of the token so that no token is kept in memory.
///
/// It only saves the parsing and signature work: a hit is still checked for expiry, for its
/// key still being known, and for revocation, so the cache can never turn an expired,
/// revoked or de-published token into an accepted one. Entries end at the token's `exp`.
final class VerifiedTokenCache: Sendable {
    /// One verified token. A class, so that a lookup retains one object instead of copying
    /// every string of the claims.
    final class Entry: Sendable {
        let claims: AccessTokenClaims
        /// The ``KeySet/fingerprint`` of the keys it was verified with: a hit counts only while
        /// exactly those keys are published.
        let keySetFingerprint: UInt64

        init(claims: AccessTokenClaims, keySetFingerprint: UInt64) {
            self.claims = claims
            self.keySetFingerprint = keySetFingerprint
        }
    }

    /// A SHA-256 digest as four words: cheap to hash and compare.
    struct Digest: Hashable, Sendable {
        var a, b, c, d: UInt64

        /// SHA-256 of the token with a context on the stack: no allocation per request.
        init(of token: UnsafeRawBufferPointer) {
            var context = SHA256_CTX()
            var words = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            SHA256_Init(&context)
            SHA256_Update(&context, token.baseAddress, token.count)
            withUnsafeMutableBytes(of: &words) { _ = SHA256_Final($0.baseAddress!.assumingMemoryBound(to: UInt8.self), &context) }
            (a, b, c, d) = words
        }
    }

    private struct Storage: ~Copyable {
        var entries: [Digest: Entry] = [:]
    }

    private let capacity: Int
    private let storage = Mutex(Storage())

    /// - Parameter capacity: the most entries kept; 0 disables the cache.
    init(capacity: Int) { self.capacity = capacity }

    /// Whether the cache keeps anything (a capacity above 0).
    var isEnabled: Bool { capacity > 0 }

    func entry(for digest: Digest) -> Entry? {
        guard capacity > 0 else { return nil }
        return storage.withLock { $0.entries[digest] }
    }

    /// Stores an entry; when full, first drops expired entries, then an arbitrary quarter.
    func insert(_ entry: Entry, for digest: Digest, now: Double) {
        guard capacity > 0 else { return }
        storage.withLock { storage in
            if storage.entries.count >= capacity {
                storage.entries = storage.entries.filter { $0.value.claims.expiresAt > now }
                if storage.entries.count >= capacity {
                    for key in storage.entries.keys.prefix(max(1, capacity / 4)) { storage.entries[key] = nil }
                }
            }
            storage.entries[digest] = entry
        }
    }

    var count: Int { storage.withLock { $0.entries.count } }
}
