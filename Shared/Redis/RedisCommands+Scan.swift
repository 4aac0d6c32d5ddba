/// The keys matching a pattern, fetched page by page with `SCAN` as the sequence is iterated.
///
/// `SCAN` may return a key more than once (when the keyspace is rehashed during the scan);
/// a key present for the whole scan is returned at least once.
public struct RedisKeyScan: AsyncSequence, Sendable {
    /// Each key, decoded as UTF-8.
    public typealias Element = String

    let redis: any RedisCommands
    let pattern: String?
    let count: Int?

    /// An iterator that sends one `SCAN` per page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(redis: redis, pattern: pattern, count: count)
    }

    /// Sends one `SCAN` each time its page of keys runs out, until the cursor returns to 0.
    public struct Iterator: AsyncIteratorProtocol {
        let redis: any RedisCommands
        let pattern: String?
        let count: Int?
        private var cursor: String? = "0"
        private var page: [String] = []

        init(redis: any RedisCommands, pattern: String?, count: Int?) {
            self.redis = redis
            self.pattern = pattern
            self.count = count
        }

        /// The next key, or `nil` after the last.
        /// - Throws: `RedisError`.
        public mutating func next() async throws -> String? {
            // A page may be empty while the cursor is not yet back at 0.
            while page.isEmpty {
                guard let current = cursor else { return nil }
                let (next, keys) = try await redis.scan(cursor: current, match: pattern, count: count)
                cursor = next == "0" ? nil : next
                page = keys.reversed()
            }
            return page.popLast()
        }
    }
}

extension RedisCommands {
    /// `SCAN cursor [MATCH pattern] [COUNT count]`: one page of a scan.
    /// - Parameters:
    ///   - cursor: `"0"` to start, then the cursor the previous page returned.
    ///   - match: A glob pattern such as `session:*`; `nil` for every key.
    ///   - count: How many keys the server should look at per page (a hint).
    /// - Returns: The next cursor (`"0"` when the scan is complete) and this page's keys.
    /// - Throws: `RedisError`.
    public func scan(
        cursor: String, match: String? = nil, count: Int? = nil
    ) async throws -> (cursor: String, keys: [String]) {
        var arguments = [RedisArgument(cursor)]
        if let match { arguments += ["MATCH", RedisArgument(match)] }
        if let count { arguments += ["COUNT", RedisArgument(count)] }
        let reply = try await send(RedisCommand("SCAN", arguments))
        guard let parts = reply.array, parts.count == 2, let next = parts[0].string,
            let keys = parts[1].array
        else { throw unexpected(reply, for: "SCAN") }
        return try (
            next,
            keys.map { key in
                guard let name = key.string else { throw unexpected(key, for: "SCAN") }
                return name
            }
        )
    }

    /// Every key matching `pattern`, as an async sequence that scans page by page.
    /// - Parameters:
    ///   - pattern: A glob pattern such as `revoked:*`; `nil` for every key.
    ///   - count: How many keys the server should look at per page (a hint).
    public func scanKeys(matching pattern: String? = nil, count: Int? = nil) -> RedisKeyScan {
        RedisKeyScan(redis: self, pattern: pattern, count: count)
    }

    /// Every key matching `pattern`, collected; duplicates that `SCAN` may yield are removed.
    /// - Parameters:
    ///   - pattern: A glob pattern such as `revoked:*`; `nil` for every key.
    ///   - count: How many keys the server should look at per page (a hint).
    /// - Returns: The keys, in no particular order.
    /// - Throws: `RedisError`.
    public func allKeys(matching pattern: String? = nil, count: Int? = nil) async throws -> [String] {
        var seen = Set<String>()
        var keys: [String] = []
        for try await key in scanKeys(matching: pattern, count: count) where seen.insert(key).inserted {
            keys.append(key)
        }
        return keys
    }
}
