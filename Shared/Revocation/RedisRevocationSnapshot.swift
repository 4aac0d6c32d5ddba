import Redis

/// ``RevocationSnapshot`` over Redis: `SCAN MATCH revoked:* COUNT n` and `MGET` of each page.
///
/// A child task keeps Redis busy: the scan runs ahead on one connection while up to
/// ``fetchDepth`` `MGET`s of the pages it found run on others, and it hands the fetched pages
/// to the caller's task, which decodes them meanwhile. Redis, whose own work per key bounds the
/// load, then always has a request waiting instead of waiting for this process to decode
/// (1,000,000 entries on two shared cores: 17.1 s with one `SCAN` then one `MGET` at a time;
/// docs/BENCHMARKS.md). At most ``window`` fetched pages wait for the caller, so a slow caller
/// holds a bounded amount of memory. With a single connection the requests simply queue on it.
///
/// A key that expires between `SCAN` and `MGET` is simply missing from `MGET`'s answer; a key
/// that `SCAN` returns twice is applied twice, which is harmless.
public struct RedisRevocationSnapshot: RevocationSnapshot {
    let redis: any RedisCommands
    /// Keys asked per `SCAN` page and per `MGET`: larger pages mean fewer round trips, but each
    /// command holds Redis for about 2 µs per key (1,000 keys: a few ms). Default: 1000.
    public let pageSize: Int
    /// `MGET`s in flight at once, besides the `SCAN`; also how many scanned pages may wait for
    /// theirs. Default: 2 (with the scan, 3 of a `RedisClient`'s default 4 connections).
    public let fetchDepth: Int
    /// Fetched pages (in flight or done) the caller may not have decoded yet. Default: 16, about
    /// 2 MB of issuer-written events at 1,000 a page: enough to ride out a pause of the caller
    /// (a hash table growing to a million entries takes a few hundred ms) without Redis idling.
    public let window: Int

    /// Creates a snapshot reader over a client or a connection.
    public init(redis: any RedisCommands, pageSize: Int = 1000, fetchDepth: Int = 2, window: Int = 16) {
        self.redis = redis
        self.pageSize = max(1, pageSize)
        self.fetchDepth = max(1, fetchDepth)
        self.window = max(self.fetchDepth, window)
    }

    /// What a request brought back.
    enum Reply: Sendable {
        /// A page of keys and the cursor to continue from (`nil`: the scan is complete).
        case scanned(cursor: String?, keys: [RedisArgument])
        /// The values of a page's keys that still exist.
        case fetched([[UInt8]])
    }

    public func forEachPage(_ page: ([[UInt8]]) -> Void) async throws {
        let (pages, delivery) = AsyncThrowingStream.makeStream(of: [[UInt8]].self)
        // One credit per page the fetcher may fetch ahead; the caller returns one per page decoded.
        let (credits, returned) = AsyncStream.makeStream(of: Void.self)
        for _ in 0..<window { returned.yield() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await fetchAll(into: delivery, credits: credits)
                    delivery.finish()
                } catch {
                    delivery.finish(throwing: error)
                }
            }
            for try await values in pages {
                page(values)
                returned.yield()
            }
            returned.finish()
            try await group.waitForAll()
        }
    }

    /// Scans and fetches every page into `delivery`, taking a credit before each `MGET`.
    func fetchAll(into delivery: AsyncThrowingStream<[[UInt8]], any Error>.Continuation, credits: AsyncStream<Void>) async throws {
        var credits = credits.makeAsyncIterator()
        try await withThrowingTaskGroup(of: Reply.self) { group in
            group.addTask { try await scan(from: "0") }
            var scanning = true
            // Where the scan goes on once it is not running; nil when it is complete.
            var cursor: String?
            var scanned: [[RedisArgument]] = []
            var fetching = 0
            while let reply = try await group.next() {
                switch reply {
                case .scanned(let next, let keys):
                    scanning = false
                    cursor = next
                    if !keys.isEmpty { scanned.append(keys) }
                case .fetched(let values):
                    fetching -= 1
                    // Even an empty page (every key expired since the scan): it returns its credit.
                    delivery.yield(values)
                }
                while fetching < fetchDepth, !scanned.isEmpty {
                    // No credit: the caller has stopped (the load is cancelled) or is a window behind.
                    guard await credits.next() != nil else { throw CancellationError() }
                    let keys = scanned.removeFirst()
                    group.addTask { .fetched(try await mget(keys)) }
                    fetching += 1
                }
                if !scanning, let next = cursor, scanned.count < fetchDepth {
                    group.addTask { try await scan(from: next) }
                    scanning = true
                    cursor = nil
                }
            }
        }
    }

    /// One `SCAN` page.
    func scan(from cursor: String) async throws -> Reply {
        let command = RedisCommand(
            "SCAN", [RedisArgument(cursor), "MATCH", RedisArgument(RevocationKeys.pattern), "COUNT", RedisArgument(pageSize)])
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
