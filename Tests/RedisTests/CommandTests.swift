import Foundation
import Redis
import Testing

@Suite("Redis commands against the real server", .timeLimit(.minutes(1)))
struct CommandTests {
    @Test func pingAnswers() async throws {
        try await TestRedis.withClient { try await $0.ping() }
    }

    @Test func getAndSetRoundTripBytes() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                #expect(try await redis.get(key) == nil)
                let bytes: [UInt8] = [0, 255, 13, 10, 36, 0]
                #expect(try await redis.set(key, to: RedisArgument(bytes)))
                #expect(try await redis.get(key) == bytes)
                try await redis.set(key, to: "")
                #expect(try await redis.getString(key) == "")
                try await redis.set(key, to: "grüße")
                #expect(try await redis.getString(key) == "grüße")
            }
        }
    }

    @Test func setWithExpirations() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                try await redis.set(key + "ex", to: "v", expiration: .seconds(100))
                #expect(Self.secondsLeft(try await redis.ttl(key + "ex"), near: 100))
                // Not whole seconds, so sent as PX: the absolute expiry Redis keeps is 60.5 s after
                // the moment it ran the SET, which lies between the two wall-clock readings (the
                // same clock Redis reads), however long a loaded machine took.
                let before = Self.unixMilliseconds()
                try await redis.set(key + "px", to: "v", expiration: .milliseconds(60_500))
                let after = Self.unixMilliseconds()
                let expiry = try await redis.send("PEXPIRETIME", RedisArgument(key + "px")).integer ?? 0
                #expect((before + 60_500...after + 60_500).contains(expiry), "expiry \(expiry), SET between \(before) and \(after)")
            }
        }
    }

    @Test("Several SETs in one round trip store every key with its time to live; an error reply throws")
    func setSeveralKeysAtOnce() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                try await redis.set([
                    (key: key + "a", value: "first", expiration: .seconds(100)),
                    (key: key + "b", value: "second", expiration: .milliseconds(60_400)),
                    (key: key + "c", value: "third", expiration: nil),
                ])
                #expect(
                    try await redis.mget([key + "a", key + "b", key + "c"]).map { $0.map { String(decoding: $0, as: UTF8.self) } } == [
                        "first", "second", "third",
                    ])
                #expect(Self.secondsLeft(try await redis.ttl(key + "a"), near: 100))
                #expect(Self.secondsLeft(try await redis.ttl(key + "b"), near: 60))
                #expect(try await redis.ttl(key + "c") == .persistent)
                // A zero time to live is refused by the server: the call throws, naming SET.
                await #expect {
                    try await redis.set([
                        (key: key + "d", value: "v", expiration: .seconds(1)), (key: key + "e", value: "v", expiration: .zero),
                    ])
                } throws: { error in
                    (error as? RedisError)?.code == .serverError && (error as? RedisError)?.command == "SET"
                }
            }
        }
    }

    @Test func setOnlyIfAbsentReportsWhetherItStored() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                #expect(try await redis.set(key, to: "first", onlyIfAbsent: true))
                #expect(try await !redis.set(key, to: "second", onlyIfAbsent: true))
                #expect(try await redis.getString(key) == "first")
                let stored = try await redis.set(
                    key + "nx", to: "x", expiration: .seconds(5), onlyIfAbsent: true)
                #expect(stored)
                #expect(Self.secondsLeft(try await redis.ttl(key + "nx"), near: 5))
            }
        }
    }

    @Test func delIncrExpireAndTTL() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                #expect(try await redis.ttl(key) == .missing)
                #expect(try await redis.incr(key) == 1)
                #expect(try await redis.incr(key) == 2)
                #expect(try await redis.ttl(key) == .persistent)
                #expect(try await redis.expire(key, seconds: 60))
                #expect(Self.secondsLeft(try await redis.ttl(key), near: 60))
                #expect(try await redis.pexpire(key, after: .milliseconds(30_500)))
                #expect(Self.secondsLeft(try await redis.ttl(key), near: 31))
                #expect(try await !redis.expire(key + "missing", seconds: 5))
                try await redis.set(key + "b", to: "b")
                #expect(try await redis.del([key, key + "b", key + "missing"]) == 2)
                #expect(try await redis.get(key) == nil)
                #expect(try await redis.del([]) == 0)
                #expect(try await redis.mget([]).isEmpty)
            }
        }
    }

    @Test func pexpireRemovesTheKeyAfterItsTime() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                try await redis.set(key, to: "v")
                try await redis.pexpire(key, after: .milliseconds(50))
                try await Task.sleep(for: .milliseconds(150))
                #expect(try await redis.get(key) == nil)
            }
        }
    }

    @Test func mgetSaddAndSmembers() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                try await redis.set(key + "a", to: "1")
                try await redis.set(key + "c", to: "3")
                let values = try await redis.mget([key + "a", key + "b", key + "c"])
                #expect(values == [Array("1".utf8), nil, Array("3".utf8)])
                #expect(try await redis.sadd(key + "set", members: ["x", "y", "x"]) == 2)
                #expect(try await redis.sadd(key + "set", members: ["y", "z"]) == 1)
                let members = try await redis.smembers(key + "set").map {
                    String(decoding: $0, as: UTF8.self)
                }
                #expect(Set(members) == ["x", "y", "z"])
                #expect(try await redis.smembers(key + "none").isEmpty)
            }
        }
    }

    @Test func scanFindsEveryMatchingKeyAcrossPages() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                let expected = Set((0..<57).map { "\(key)scan:\($0)" })
                _ = try await redis.pipeline(expected.map { RedisCommand("SET", RedisArgument($0), "1") })
                try await redis.set(key + "other", to: "1")
                #expect(Set(try await redis.allKeys(matching: "\(key)scan:*", count: 10)) == expected)
                var streamed = Set<String>()
                for try await name in redis.scanKeys(matching: "\(key)scan:*", count: 7) {
                    streamed.insert(name)
                }
                #expect(streamed == expected)
                let page = try await redis.scan(cursor: "0", match: "\(key)scan:*", count: 1000)
                #expect(Set(page.keys).isSubset(of: expected))
            }
        }
    }

    @Test func genericSendReturnsRawReplies() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                #expect(try await redis.send("SET", RedisArgument(key), "v") == .simpleString("OK"))
                #expect(try await redis.send("STRLEN", RedisArgument(key)) == .integer(1))
                #expect(try await redis.send("GET", RedisArgument(key)) == .bulkString([118]))
                #expect(try await redis.send("GET", RedisArgument(key + "none")) == .null)
                let echoed = try await redis.send(RedisCommand("ECHO", "hi"))
                #expect(echoed.string == "hi")
            }
        }
    }

    @Test func serverErrorsNameTheCommandButNotItsArguments() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                try await redis.set(key, to: "not-a-number")
                let error = try await #require(throws: RedisError.self) { try await redis.incr(key) }
                #expect(error.code == .serverError)
                #expect(error.command == "INCR")
                #expect(!error.description.contains(key))
                let unknown = try await #require(throws: RedisError.self) {
                    try await redis.send("NOSUCHCOMMAND", "secret-token-value")
                }
                #expect(unknown.code == .serverError)
                #expect(!unknown.description.contains("secret-token-value"))
            }
        }
    }

    @Test func pipelineRepliesComeInOrderWithErrorsAsValues() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                var commands = [RedisCommand("SET", RedisArgument(key), "text")]
                commands += (1...20).map { RedisCommand("INCR", RedisArgument(key + "n\($0 % 2)")) }
                commands += [
                    RedisCommand("INCR", RedisArgument(key)), RedisCommand("GET", RedisArgument(key)),
                ]
                let replies = try await redis.pipeline(commands)
                #expect(replies.count == commands.count)
                #expect(replies.first == .simpleString("OK"))
                let counters: [Int64?] = replies[1...20].map(\.integer)
                let expected: [Int64?] = (1...20).map { Int64(($0 + 1) / 2) }
                #expect(counters == expected)
                guard case .error = replies[21] else {
                    Issue.record("expected an error reply, got \(replies[21])")
                    return
                }
                #expect(replies[22].string == "text")
                #expect(try await redis.pipeline([]).isEmpty)
            }
        }
    }

    @Test func concurrentUsersShareThePool() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<200 {
                        group.addTask { _ = try await redis.incr(key) }
                    }
                    try await group.waitForAll()
                }
                #expect(try await redis.getString(key) == "200")
                let sameConnection = try await redis.withConnection { connection in
                    try await connection.send("CLIENT", "ID") == connection.send("CLIENT", "ID")
                }
                #expect(sameConnection)
            }
        }
    }

    /// Whether `ttl` is a time in seconds at most `expected` and at most a few seconds less:
    /// a loaded CI machine has let more than a second pass between setting a TTL and reading it.
    /// The wall clock in whole milliseconds since 1970, as Redis reads it for expiries.
    private static func unixMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    private static func secondsLeft(_ ttl: RedisTTL, near expected: Int64) -> Bool {
        guard case .seconds(let left) = ttl else { return false }
        return (max(1, expected - 5)...expected).contains(left)
    }
}
