import Crypto

/// A revoked id (a `jti`, a `sid` or a subject) as the first 128 bits of its SHA-256.
///
/// Sixteen bytes whatever the id's length, so the set's memory does not grow with the ids the
/// issuer picks, and hashing two `UInt64` words is cheaper than hashing a string. A collision
/// between two ids needs about 2^64 entries; the worst it could do is refuse one more token.
struct RevocationID: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    init(high: UInt64, low: UInt64) {
        (self.high, self.low) = (high, low)
    }

    /// The digest of `id`'s UTF-8 bytes.
    init(_ id: String) {
        var id = id
        self = id.withUTF8 { RevocationID(utf8: $0) }
    }

    /// The digest of an id given as its UTF-8 bytes.
    init(utf8 id: UnsafeBufferPointer<UInt8>) {
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(id))
        let digest = hasher.finalize()
        var words = (UInt64(0), UInt64(0))
        digest.withUnsafeBytes { source in
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: source.prefix(16))) }
        }
        (high, low) = words
    }
}

/// Seconds since the epoch in 32 bits (enough until 2106), rounded up so that an entry is
/// never dropped before the time it was given.
func expirySeconds(_ time: Double) -> UInt32 {
    UInt32(clamping: Int64(time.rounded(.up)))
}
