import Redis

/// ``RevocationSnapshot`` over Redis: `SCAN MATCH revoked:* COUNT n`, then `MGET` of each page.
///
/// A key that expires between the two is simply missing from `MGET`'s answer; a key that `SCAN`
/// returns twice is applied twice, which is harmless.
public struct RedisRevocationSnapshot: RevocationSnapshot {
    /// The key pattern of every revocation (`revoked:<kind>:<value>`).
    public static let pattern = "revoked:*"

    let redis: any RedisCommands
    /// Keys asked per `SCAN` page and per `MGET`. Default: 500.
    public let pageSize: Int

    /// Creates a snapshot reader over a client or a connection.
    public init(redis: any RedisCommands, pageSize: Int = 500) {
        self.redis = redis
        self.pageSize = pageSize
    }

    public func forEachPage(_ page: ([[UInt8]]) -> Void) async throws {
        var cursor = "0"
        repeat {
            let (next, keys) = try await redis.scan(cursor: cursor, match: Self.pattern, count: pageSize)
            if !keys.isEmpty { page(try await redis.mget(keys).compactMap { $0 }) }
            cursor = next
        } while cursor != "0"
    }
}
