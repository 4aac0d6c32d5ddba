import Foundation
import Revocation
import TokenKit

/// One revocation as the issuer's `Revoker` writes it: a random 22-character base64url `jti`
/// (16 random bytes, as the issuer's token ids), the Redis key `revoked:jti:<jti>` and the
/// event's JSON, which is both the Redis value and the Kafka message value.
struct SeedEntry: Sendable {
    let id: String
    let event: [UInt8]
    /// The Redis time to live, in milliseconds (the `Revoker`'s `expiresAt - now`, rounded up).
    let lifetimeMilliseconds: Int64

    /// The Redis key, as the issuer writes it.
    var redisKey: String { RevocationKeys.key(.token(id: id)) }

    init(now: Double, ttl: Double, issuer: String, generator: inout some RandomNumberGenerator) {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in bytes.indices { bytes[index] = generator.next() }
        id = Base64URL.encode(bytes)
        let expiresAt = now + ttl
        event = RevocationEvent(target: .token(id: id), expiresAt: expiresAt, revokedAt: now, issuer: issuer).encoded
        lifetimeMilliseconds = max(1, Int64(((expiresAt - now) * 1000).rounded(.up)))
    }
}

/// The entries to write, made a batch at a time so that a million are never all in memory; the
/// same sequence can be read twice (Redis, then Kafka) and gives the same entries.
struct SeedBatches: Sendable {
    let count: Int
    let ttl: Double
    let issuer: String
    let now = Date().timeIntervalSince1970
    let seed = UInt64.random(in: 0...UInt64.max)

    /// Calls `body` with consecutive batches of at most `batchSize` entries, `count` in all.
    func forEach(batchSize: Int, _ body: ([SeedEntry]) async throws -> Void) async throws {
        var generator = SplitMix64(seed: seed)
        var made = 0
        while made < count {
            let size = min(batchSize, count - made)
            try await body((0..<size).map { _ in SeedEntry(now: now, ttl: ttl, issuer: issuer, generator: &generator) })
            made += size
        }
    }
}

/// A small, fast, seedable generator: the ids only need to be distinct and look like real ones,
/// and a fixed seed lets Redis and Kafka get the same ids.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
