import Redis

/// The Lua scripts behind sessions: each step that must not interleave with another request
/// is one script, run with EVALSHA (loaded on first use). Every key is passed in KEYS.
/// Times are milliseconds since the epoch. Layout: docs/REDIS-KEYS.md.
enum SessionScripts {
    /// KEYS: session, refresh (new), user-sessions. ARGV: sub, roles JSON, now, expires_at,
    /// refresh life (ms), refresh digest, sid, session tag, refresh tag, refresh idle deadline.
    static let create = RedisScript(
        """
        redis.call('HSET', KEYS[1], 'sub', ARGV[1], 'roles', ARGV[2], 'created_at', ARGV[3], 'expires_at', ARGV[4], 'current', ARGV[6], 'mac', ARGV[8])
        redis.call('PEXPIREAT', KEYS[1], ARGV[4])
        redis.call('HSET', KEYS[2], 'sid', ARGV[7], 'until', ARGV[10], 'mac', ARGV[9])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        redis.call('SADD', KEYS[3], ARGV[7])
        if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[4]) - tonumber(ARGV[3]) then
          redis.call('PEXPIREAT', KEYS[3], ARGV[4])
        end
        return 1
        """)

    /// Spend-and-rotate, in one step. KEYS: refresh (presented), successor (of the presented
    /// token), refresh (new), the session (the sid the presented token carries), the session's
    /// `revoked:sid:` entry, the revocation outbox. ARGV: now, idle life (ms), grace (ms), new
    /// digest, sealed successor, sid, new refresh tag, successor tag, new refresh idle deadline,
    /// the sid revocation's event JSON, its lifetime (ms), its outbox score and member.
    ///
    /// The script cannot check the issuer's MACs (the key never goes to Redis): it returns every
    /// tag it read, and the issuer refuses what does not verify. A forged record can therefore
    /// make the script change state (spend a made-up token, revoke a session), which anyone who
    /// can write to Redis could do directly, but never make the issuer mint a token.
    ///
    /// Returns `{outcome, sub, roles, expires_at, session tag, refresh tag, refresh idle
    /// deadline[, sealed, successor tag]}`: `rotated` (the presented token is now spent and the
    /// new one live), `replayed` (already spent within the grace window: the sealed successor
    /// is returned, nothing changes), `stolen` (spent longer ago: the session is revoked and its
    /// `revoked:sid:` entry and its outbox entry written in this same step, so no failure or
    /// crash can leave the family's access tokens alive or the event unsent), or `{'invalid'}` (unknown, expired, revoked, or the record names
    /// another session).
    static let refresh = RedisScript(
        """
        local r = redis.call('HMGET', KEYS[1], 'sid', 'mac', 'until', 'spent_at')
        if not r[1] or r[1] ~= ARGV[6] then return {'invalid'} end
        local s = redis.call('HMGET', KEYS[4], 'sub', 'roles', 'expires_at', 'revoked', 'mac')
        if not s[1] or not s[2] or s[4] then return {'invalid'} end
        local now = tonumber(ARGV[1])
        local expires = tonumber(s[3])
        if not expires or expires <= now then return {'invalid'} end
        local head = {s[1], s[2], s[3], s[5] or '', r[2] or '', r[3] or ''}
        if r[4] then
          local spent = tonumber(r[4])
          if not spent then return {'invalid'} end
          if now - spent <= tonumber(ARGV[3]) then
            local successor = redis.call('HMGET', KEYS[2], 'sealed', 'mac')
            if successor[1] then
              return {'replayed', head[1], head[2], head[3], head[4], head[5], head[6], successor[1], successor[2] or ''}
            end
          end
          redis.call('HSET', KEYS[4], 'revoked', ARGV[1])
          redis.call('DEL', KEYS[2])
          redis.call('SET', KEYS[5], ARGV[10], 'PX', ARGV[11])
          redis.call('ZADD', KEYS[6], ARGV[12], ARGV[13])
          return {'stolen', head[1], head[2], head[3], head[4], head[5], head[6]}
        end
        local life = math.min(tonumber(ARGV[2]), expires - now)
        redis.call('HSET', KEYS[1], 'spent_at', ARGV[1])
        redis.call('PEXPIRE', KEYS[1], life)
        redis.call('HSET', KEYS[2], 'sealed', ARGV[5], 'mac', ARGV[8])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        redis.call('HSET', KEYS[3], 'sid', ARGV[6], 'until', ARGV[9], 'mac', ARGV[7])
        redis.call('PEXPIRE', KEYS[3], life)
        redis.call('HSET', KEYS[4], 'current', ARGV[4])
        return {'rotated', head[1], head[2], head[3], head[4], head[5], head[6]}
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
