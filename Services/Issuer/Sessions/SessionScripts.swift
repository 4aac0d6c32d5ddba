import Redis

/// The Lua scripts behind sessions: each step that must not interleave with another request
/// is one script, run with EVALSHA (loaded on first use). Keys are passed in KEYS, except the
/// session key that `refresh` finds itself.
/// Times are milliseconds since the epoch. Layout: docs/REDIS-KEYS.md.
enum SessionScripts {
    /// KEYS: session, refresh (new), user-sessions. ARGV: sub, roles JSON, now, expires_at,
    /// refresh life (ms), refresh digest, sid.
    static let create = RedisScript(
        """
        redis.call('HSET', KEYS[1], 'sub', ARGV[1], 'roles', ARGV[2], 'created_at', ARGV[3], 'expires_at', ARGV[4], 'current', ARGV[6])
        redis.call('PEXPIREAT', KEYS[1], ARGV[4])
        redis.call('HSET', KEYS[2], 'sid', ARGV[7])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        redis.call('SADD', KEYS[3], ARGV[7])
        if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[4]) - tonumber(ARGV[3]) then
          redis.call('PEXPIREAT', KEYS[3], ARGV[4])
        end
        return 1
        """)

    /// Spend-and-rotate, in one step. KEYS: refresh (presented), successor (sealed, of the
    /// presented token), refresh (new). ARGV: now, idle life (ms), grace (ms), new digest,
    /// sealed successor, the session key's prefix.
    ///
    /// The session key is not in KEYS: it is the prefix and the sid the presented token's
    /// record names, read here so that a refresh is one round trip (a digest's sid never
    /// changes). Redis allows that on a single server, which is what this layout is for: its
    /// keys do not share a Cluster hash slot anyway.
    ///
    /// Returns `{outcome, sid, sub, roles, expires_at[, sealed]}`: `rotated` (the presented
    /// token is now spent and the new one live), `replayed` (already spent within the grace
    /// window: the sealed successor is returned, nothing changes), `stolen` (spent longer ago:
    /// the session is revoked), or `{'invalid'}` (unknown, expired or revoked).
    static let refresh = RedisScript(
        """
        local sid = redis.call('HGET', KEYS[1], 'sid')
        if not sid then return {'invalid'} end
        local session = ARGV[6] .. sid
        local s = redis.call('HMGET', session, 'sub', 'roles', 'expires_at', 'revoked')
        if not s[1] or s[4] then return {'invalid'} end
        local now = tonumber(ARGV[1])
        local expires = tonumber(s[3])
        if expires <= now then return {'invalid'} end
        local spent = redis.call('HGET', KEYS[1], 'spent_at')
        if spent then
          if now - tonumber(spent) <= tonumber(ARGV[3]) then
            local sealed = redis.call('GET', KEYS[2])
            if sealed then return {'replayed', sid, s[1], s[2], s[3], sealed} end
          end
          redis.call('HSET', session, 'revoked', ARGV[1])
          redis.call('DEL', KEYS[2])
          return {'stolen', sid, s[1], s[2], s[3]}
        end
        local life = math.min(tonumber(ARGV[2]), expires - now)
        redis.call('HSET', KEYS[1], 'spent_at', ARGV[1])
        redis.call('PEXPIRE', KEYS[1], life)
        redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[3])
        redis.call('HSET', KEYS[3], 'sid', sid)
        redis.call('PEXPIRE', KEYS[3], life)
        redis.call('HSET', session, 'current', ARGV[4])
        return {'rotated', sid, s[1], s[2], s[3]}
        """)

    /// Marks a session revoked (every refresh token of its family stops working).
    /// KEYS: session. ARGV: now. Returns the subject, or nil for an unknown session.
    static let revoke = RedisScript(
        """
        local sub = redis.call('HGET', KEYS[1], 'sub')
        if not sub then return nil end
        redis.call('HSET', KEYS[1], 'revoked', ARGV[1])
        return sub
        """)

    /// Takes one login attempt against every counter, atomically: if any counter is at the limit,
    /// nothing changes and the longest wait (ms) is returned; otherwise every counter counts the
    /// attempt (the first one starts its window) and 0 is returned. Counting before the password
    /// check means parallel guesses can never exceed the limit. KEYS: counters. ARGV: limit,
    /// window (ms).
    static let attempt = RedisScript(
        """
        local limit = tonumber(ARGV[1])
        local wait = 0
        for i = 1, #KEYS do
          local count = tonumber(redis.call('GET', KEYS[i]) or '0')
          if count >= limit then
            local ttl = redis.call('PTTL', KEYS[i])
            if ttl < 0 then ttl = 1000 end
            if ttl > wait then wait = ttl end
          end
        end
        if wait > 0 then return wait end
        for i = 1, #KEYS do
          if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
        end
        return 0
        """)

    /// An attempt that did not come to a password verdict (a 5xx, a timeout, a cancelled
    /// request): given back to every counter that still holds it. KEYS: counters.
    static let giveBack = RedisScript(
        """
        for i = 1, #KEYS do
          if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
        end
        return 1
        """)

    /// A successful login: the username's counter is cleared, and the attempt it took from the
    /// address's counter is given back. KEYS: username counter, address counter.
    static let succeeded = RedisScript(
        """
        redis.call('DEL', KEYS[1])
        if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
        return 1
        """)
}
