import Redis

/// ``RevocationSnapshot`` over Redis: `SCAN MATCH revoked:* COUNT n` and `MGET` of each page.
///
/// The scan runs ahead on one connection while up to ``fetchDepth`` `MGET`s of the pages it
/// found run on others, and a page is decoded while the next requests are in flight: Redis,
/// whose own work per key bounds the load, then always has a request waiting instead of
/// waiting for this process to parse and decode (1,000,000 entries on two shared cores: 17.1 s
/// with one `SCAN` then one `MGET` at a time, 6.3 s with this and the canonical decode;
/// docs/BENCHMARKS.md). With a single connection the requests simply queue on it.
///
/// A key that expires between `SCAN` and `MGET` is simply missing from `MGET`'s answer; a key
/// that `SCAN` returns twice is applied twice, which is harmless.
public struct RedisRevocationSnapshot: RevocationSnapshot {
    /// The key pattern of every revocation (`revoked:<kind>:<value>`).
    public static let pattern = "revoked:*"

    let redis: any RedisCommands
    /// Keys asked per `SCAN` page and per `MGET`: larger pages mean fewer round trips, but each
    /// command holds Redis for about 2 µs per key (1,000 keys: a few ms). Default: 1000.
    public let pageSize: Int
    /// `MGET`s in flight at once, besides the `SCAN`; also how many scanned pages may wait for
    /// theirs. Default: 2 (with the scan, 3 of a `RedisClient`'s default 4 connections).
    public let fetchDepth: Int

    /// Creates a snapshot reader over a client or a connection.
    public init(redis: any RedisCommands, pageSize: Int = 1000, fetchDepth: Int = 2) {
        self.redis = redis
        self.pageSize = max(1, pageSize)
        self.fetchDepth = max(1, fetchDepth)
    }

    /// What a request brought back.
    enum Reply: Sendable {
        /// A page of keys and the cursor to continue from (`nil`: the scan is complete).
        case scanned(cursor: String?, keys: [RedisArgument])
        /// The values of a page's keys that still exist.
        case fetched([[UInt8]])
    }

    public func forEachPage(_ page: ([[UInt8]]) -> Void) async throws {
        try await withThrowingTaskGroup(of: Reply.self) { group in
            group.addTask { try await scan(from: "0") }
            var scanning = true
            // Where the scan goes on once it is not running; nil when it is complete.
            var cursor: String?
            var scanned: [[RedisArgument]] = []
            var fetching = 0
            while let reply = try await group.next() {
                var values: [[UInt8]] = []
                switch reply {
                case .scanned(let next, let keys):
                    scanning = false
                    cursor = next
                    if !keys.isEmpty { scanned.append(keys) }
                case .fetched(let fetched):
                    fetching -= 1
                    values = fetched
                }
                // New requests first, so that Redis works while this page decodes.
                while fetching < fetchDepth, !scanned.isEmpty {
                    let keys = scanned.removeFirst()
                    group.addTask { .fetched(try await mget(keys)) }
                    fetching += 1
                }
                if !scanning, let next = cursor, scanned.count < fetchDepth {
                    group.addTask { try await scan(from: next) }
                    scanning = true
                    cursor = nil
                }
                guard !values.isEmpty else { continue }
                // Lets the new children run up to their hop onto a connection's thread before
                // decoding starts: an executor that keeps a child on its parent's thread (NIO's,
                // when it is installed as the global executor) would otherwise send them after.
                await Task.yield()
                page(values)
            }
        }
    }

    /// One `SCAN` page.
    func scan(from cursor: String) async throws -> Reply {
        let command = RedisCommand(
            "SCAN", [RedisArgument(cursor), "MATCH", RedisArgument(Self.pattern), "COUNT", RedisArgument(pageSize)])
        let reply = try Self.checked(try await redis.pipeline([command]).first ?? .null, "SCAN")
        guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let found = parts[1].array else {
            throw Self.unexpected("SCAN", "not a cursor and a key list")
        }
        let keys = try found.map { key in
            guard let bytes = key.bytes else { throw Self.unexpected("SCAN", "a key that is not a string") }
            return RedisArgument(bytes)
        }
        return .scanned(cursor: next == "0" ? nil : next, keys: keys)
    }

    /// The values of `keys`; a key that expired since the scan is left out.
    func mget(_ keys: [RedisArgument]) async throws -> [[UInt8]] {
        let reply = try Self.checked(try await redis.pipeline([RedisCommand("MGET", keys)]).first ?? .null, "MGET")
        guard let values = reply.array else { throw Self.unexpected("MGET", "not an array") }
        return values.compactMap(\.bytes)
    }

    /// Inside a pipeline an error reply is a value; here it fails the load (which is retried).
    private static func checked(_ reply: RedisValue, _ command: String) throws -> RedisValue {
        if case .error(let message) = reply {
            // As the Redis module does: cut the part of the message that may echo arguments.
            let reason = message.firstRange(of: ", with args beginning with").map { String(message[..<$0.lowerBound]) } ?? message
            throw RedisError(.serverError, command: command, reason: reason)
        }
        return reply
    }

    private static func unexpected(_ command: String, _ what: String) -> RedisError {
        RedisError(.unexpectedReply, command: command, reason: "unexpected reply: \(what)")
    }
}
