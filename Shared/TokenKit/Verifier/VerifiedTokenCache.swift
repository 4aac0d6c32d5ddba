import Crypto
import Synchronization

/// A bounded cache of tokens whose signature and claims already verified, keyed by the
/// SHA-256 of the token so that no token is kept in memory.
///
/// It only saves the parsing and signature work: a hit is still checked for expiry, for its
/// key still being known, and for revocation, so the cache can never turn an expired,
/// revoked or de-published token into an accepted one. Entries end at the token's `exp`.
final class VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        var claims: AccessTokenClaims
        var kid: String
        /// The key's thumbprint: a hit counts only while the same key material is published
        /// under that kid.
        var thumbprint: String
    }

    /// A SHA-256 digest as four words: cheap to hash and compare.
    struct Digest: Hashable, Sendable {
        var a, b, c, d: UInt64

        init(of token: UnsafeRawBufferPointer) {
            var hasher = SHA256()
            hasher.update(bufferPointer: token)
            let hash = hasher.finalize()
            var words = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            withUnsafeMutableBytes(of: &words) { destination in
                hash.withUnsafeBytes { destination.copyMemory(from: $0) }
            }
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
