import Redis
import Testing

@Suite("Lua scripts by digest", .timeLimit(.minutes(1)))
struct ScriptTests {
    /// Spends a one-time value atomically: returns it and deletes it, or null if already gone.
    let take = RedisScript(
        """
        local value = redis.call('GET', KEYS[1])
        if value then redis.call('DEL', KEYS[1]) end
        return value
        """)

    @Test func digestIsWhatTheServerComputes() async throws {
        try await TestRedis.withClient { redis in
            let reply = try await redis.send("SCRIPT", "LOAD", RedisArgument(take.source))
            #expect(reply.string == take.sha1)
            #expect(RedisScript("").sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
            let long = RedisScript(String(repeating: "-- padding\n", count: 40) + "return 1")
            #expect(try await redis.send("SCRIPT", "LOAD", RedisArgument(long.source)).string == long.sha1)
        }
    }

    @Test func evaluateRunsWithKeysAndArguments() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                try await redis.set(key, to: "once")
                #expect(try await redis.evaluate(take, keys: [key]).string == "once")
                #expect(try await redis.evaluate(take, keys: [key]) == .null)
                let sum = RedisScript("return tonumber(ARGV[1]) + tonumber(ARGV[2])")
                #expect(try await redis.evaluate(sum, arguments: [2, 40]) == .integer(42))
            }
        }
    }

    @Test func evaluateLoadsTheScriptAgainAfterFlush() async throws {
        try await TestRedis.withClient { redis in
            try await TestRedis.withKey(redis) { key in
                let script = RedisScript("return 'flushed-\(key)'")
                try await redis.scriptLoad(script)
                try await redis.send("SCRIPT", "FLUSH")
                let exists = try await redis.send("SCRIPT", "EXISTS", RedisArgument(script.sha1))
                #expect(exists == .array([.integer(0)]))
                #expect(try await redis.evaluate(script).string == "flushed-\(key)")
                #expect(try await redis.evaluate(script).string == "flushed-\(key)")
            }
        }
    }

    @Test func failingScriptThrowsServerError() async throws {
        try await TestRedis.withClient { redis in
            let broken = RedisScript("return redis.call('NOSUCHCOMMAND')")
            let error = try await #require(throws: RedisError.self) { try await redis.evaluate(broken) }
            #expect(error.code == .serverError)
            #expect(error.command == "EVALSHA")
            let invalid = RedisScript("this is not lua")
            let loadError = try await #require(throws: RedisError.self) { try await redis.scriptLoad(invalid) }
            #expect(loadError.code == .serverError)
        }
    }
}
