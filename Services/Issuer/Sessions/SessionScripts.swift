import Redis

/// The Lua scripts behind sessions: each step that must not interleave with another request
/// is one script, run with EVALSHA (loaded on first use). Keys are always passed in KEYS.
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

    /// Spend-and-rotate, in one step. KEYS: refresh (presented), session, successor (sealed,
    /// of the presented token), refresh (new). ARGV: now, idle life (ms), grace (ms),
    /// new digest, sealed successor, sid.
    ///
    /// Returns `{outcome, sub, roles, expires_at[, sealed]}`: `rotated` (the presented token
    /// is now spent and the new one live), `replayed` (already spent within the grace window:
    /// the sealed successor is returned, nothing changes), `stolen` (spent longer ago: the
    /// session is revoked), or `{'invalid'}` (unknown, expired or revoked).
    static let refresh = RedisScript(
        """
        if redis.call('HGET', KEYS[1], 'sid') ~= ARGV[6] then return {'invalid'} end
        local s = redis.call('HMGET', KEYS[2], 'sub', 'roles', 'expires_at', 'revoked')
        if not s[1] or s[4] then return {'invalid'} end
        local now = tonumber(ARGV[1])
        local expires = tonumber(s[3])
        if expires <= now then return {'invalid'} end
        local spent = redis.call('HGET', KEYS[1], 'spent_at')
        if spent then
          if now - tonumber(spent) <= tonumber(ARGV[3]) then
            local sealed = redis.call('GET', KEYS[3])
            if sealed then return {'replayed', s[1], s[2], s[3], sealed} end
          end
          redis.call('HSET', KEYS[2], 'revoked', ARGV[1])
          redis.call('DEL', KEYS[3])
          return {'stolen', s[1], s[2], s[3]}
        end
        local life = math.min(tonumber(ARGV[2]), expires - now)
        redis.call('HSET', KEYS[1], 'spent_at', ARGV[1])
        redis.call('PEXPIRE', KEYS[1], life)
        redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[3])
        redis.call('HSET', KEYS[4], 'sid', ARGV[6])
        redis.call('PEXPIRE', KEYS[4], life)
        redis.call('HSET', KEYS[2], 'current', ARGV[4])
        return {'rotated', s[1], s[2], s[3]}
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

    /// Counts a failed login for each key, starting a window on the first failure.
    /// KEYS: counters. ARGV: window (ms).
    static let countFailure = RedisScript(
        """
        for i = 1, #KEYS do
          if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
        end
        return 1
        """)

    /// The longest wait (ms) among the counters at or over the limit; 0 when none is.
    /// KEYS: counters. ARGV: limit.
    static let blockedFor = RedisScript(
        """
        local wait = 0
        for i = 1, #KEYS do
          local count = tonumber(redis.call('GET', KEYS[i]) or '0')
          if count >= tonumber(ARGV[1]) then
            local ttl = redis.call('PTTL', KEYS[i])
            if ttl < 0 then ttl = 1000 end
            if ttl > wait then wait = ttl end
          end
        end
        return wait
        """)
}
