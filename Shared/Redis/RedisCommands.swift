/// Something that can send Redis commands: a `RedisClient` (any pooled connection) or one
/// `RedisConnection`. The typed commands in its extensions are built on these two.
public protocol RedisCommands: Sendable {
    /// Sends one command and waits for its reply.
    /// - Returns: The reply (never `.error`: error replies are thrown).
    /// - Throws: `RedisError`, with code `serverError` for an error reply.
    func send(_ command: RedisCommand) async throws -> RedisValue

    /// Sends several commands in one write and reads their replies in order.
    /// - Returns: One reply per command, error replies as `.error` values.
    /// - Throws: `RedisError` for a failure of the connection itself.
    func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue]
}

/// How long a key has left to live (`TTL`).
public enum RedisTTL: Sendable, Hashable {
    /// The key does not exist.
    case missing
    /// The key exists and never expires.
    case persistent
    /// The key expires after this many seconds (rounded by the server).
    case seconds(Int64)
}

extension RedisCommands {
    /// Sends a command given as its name and arguments.
    /// - Returns: The reply (never `.error`: error replies are thrown).
    /// - Throws: `RedisError`, with code `serverError` for an error reply.
    @discardableResult
    public func send(_ name: String, _ arguments: RedisArgument...) async throws -> RedisValue {
        try await send(RedisCommand(name, arguments))
    }

    /// `PING`: checks that the server answers (readiness).
    /// - Throws: `RedisError` when it does not, or answers something other than `PONG`.
    public func ping() async throws {
        let reply = try await send(RedisCommand("PING"))
        guard reply == .simpleString("PONG") else { throw unexpected(reply, for: "PING") }
    }

    /// `GET key`.
    /// - Returns: The value's bytes, or `nil` when the key does not exist.
    /// - Throws: `RedisError` (`serverError` if the key holds another type).
    public func get(_ key: String) async throws -> [UInt8]? {
        try await optionalBytes(send(RedisCommand("GET", RedisArgument(key))), for: "GET")
    }

    /// `GET key`, the value decoded as UTF-8.
    /// - Returns: The value, or `nil` when the key does not exist.
    /// - Throws: `RedisError` (`serverError` if the key holds another type).
    public func getString(_ key: String) async throws -> String? {
        try await get(key).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `SET key value [EX s | PX ms] [NX]`.
    /// - Parameters:
    ///   - expiration: Time to live: sent as `EX` when whole seconds, else as `PX`; `nil` keeps
    ///     the key until deleted.
    ///   - onlyIfAbsent: Sends `NX`: set only when the key does not exist yet.
    /// - Returns: Whether the value was stored (`false` only when `NX` found the key).
    /// - Throws: `RedisError`.
    @discardableResult
    public func set(
        _ key: String, to value: RedisArgument, expiration: Duration? = nil,
        onlyIfAbsent: Bool = false
    ) async throws -> Bool {
        let reply = try await send(.set(key, to: value, expiration: expiration, onlyIfAbsent: onlyIfAbsent))
        switch reply {
        case .simpleString("OK"): return true
        case .null: return false
        default: throw unexpected(reply, for: "SET")
        }
    }

    /// One `SET key value [EX s | PX ms]` per entry, all in one round trip: a pipeline, not a
    /// transaction, so each key is stored or not on its own.
    /// - Parameter entries: Keys, values and times to live as for `set(_:to:expiration:onlyIfAbsent:)`.
    /// - Throws: `RedisError`: `serverError` for the first error reply (the other keys may be
    ///   stored), or a failure of the connection.
    public func set(_ entries: [(key: String, value: RedisArgument, expiration: Duration?)]) async throws {
        let replies = try await pipeline(entries.map { RedisCommand.set($0.key, to: $0.value, expiration: $0.expiration) })
        for reply in replies {
            switch reply {
            case .simpleString("OK"): continue
            case .error(let message): throw RedisError.server(message, command: "SET")
            default: throw unexpected(reply, for: "SET")
            }
        }
    }

    /// `DEL key…`.
    /// - Returns: How many of the keys existed and were removed.
    /// - Throws: `RedisError`.
    @discardableResult
    public func del(_ keys: [String]) async throws -> Int {
        // Redis rejects DEL without keys; deleting nothing needs no round trip.
        guard !keys.isEmpty else { return 0 }
        return try await Int(integer(send(RedisCommand("DEL", keys.map { RedisArgument($0) })), for: "DEL"))
    }

    /// `INCR key`: adds one, starting from 0 for a missing key.
    /// - Returns: The new value.
    /// - Throws: `RedisError` (`serverError` if the value is not an integer).
    public func incr(_ key: String) async throws -> Int64 {
        try await integer(send(RedisCommand("INCR", RedisArgument(key))), for: "INCR")
    }

    /// `EXPIRE key seconds`.
    /// - Returns: Whether the key exists (and so got the timeout).
    /// - Throws: `RedisError`.
    @discardableResult
    public func expire(_ key: String, seconds: Int64) async throws -> Bool {
        let reply = try await send(RedisCommand("EXPIRE", RedisArgument(key), RedisArgument(seconds)))
        return try integer(reply, for: "EXPIRE") == 1
    }

    /// `PEXPIRE key milliseconds`.
    /// - Returns: Whether the key exists (and so got the timeout).
    /// - Throws: `RedisError`.
    @discardableResult
    public func pexpire(_ key: String, after duration: Duration) async throws -> Bool {
        let arguments = [RedisArgument(key), RedisArgument(milliseconds(duration))]
        return try await integer(send(RedisCommand("PEXPIRE", arguments)), for: "PEXPIRE") == 1
    }

    /// `TTL key`.
    /// - Returns: Whether the key is missing, persistent, or how long it has left.
    /// - Throws: `RedisError`.
    public func ttl(_ key: String) async throws -> RedisTTL {
        switch try await integer(send(RedisCommand("TTL", RedisArgument(key))), for: "TTL") {
        case -2: .missing
        case -1: .persistent
        case let seconds: .seconds(seconds)
        }
    }

    /// `MGET key…`.
    /// - Returns: One entry per key, in order: its bytes, or `nil` when missing or not a string.
    /// - Throws: `RedisError`.
    public func mget(_ keys: [String]) async throws -> [[UInt8]?] {
        guard !keys.isEmpty else { return [] }
        let reply = try await send(RedisCommand("MGET", keys.map { RedisArgument($0) }))
        guard let values = reply.array else { throw unexpected(reply, for: "MGET") }
        return try values.map { try optionalBytes($0, for: "MGET") }
    }

    /// `SADD key member…`.
    /// - Returns: How many members were new.
    /// - Throws: `RedisError` (`serverError` if the key holds another type).
    @discardableResult
    public func sadd(_ key: String, members: [RedisArgument]) async throws -> Int {
        let reply = try await send(RedisCommand("SADD", [RedisArgument(key)] + members))
        return Int(try integer(reply, for: "SADD"))
    }

    /// `SMEMBERS key`.
    /// - Returns: The members, in no particular order; empty for a missing key.
    /// - Throws: `RedisError` (`serverError` if the key holds another type).
    public func smembers(_ key: String) async throws -> [[UInt8]] {
        let reply = try await send(RedisCommand("SMEMBERS", RedisArgument(key)))
        guard let values = reply.array else { throw unexpected(reply, for: "SMEMBERS") }
        return try values.map { value in
            guard let bytes = value.bytes else { throw unexpected(value, for: "SMEMBERS") }
            return bytes
        }
    }
}

extension RedisCommand {
    /// `SET key value [EX s | PX ms] [NX]`: whole seconds go as `EX`, anything else as `PX`.
    static func set(_ key: String, to value: RedisArgument, expiration: Duration?, onlyIfAbsent: Bool = false) -> RedisCommand {
        var arguments = [RedisArgument(key), value]
        if let expiration {
            let (seconds, attoseconds) = expiration.components
            arguments +=
                attoseconds == 0
                ? ["EX", RedisArgument(seconds)] : ["PX", RedisArgument(milliseconds(expiration))]
        }
        if onlyIfAbsent { arguments.append("NX") }
        return RedisCommand("SET", arguments)
    }
}

/// The reply as optional bytes (a bulk string or null).
func optionalBytes(_ reply: RedisValue, for command: String) throws -> [UInt8]? {
    switch reply {
    case .bulkString(let bytes): bytes
    case .null: nil
    default: throw unexpected(reply, for: command)
    }
}

/// The reply as an integer.
func integer(_ reply: RedisValue, for command: String) throws -> Int64 {
    guard let value = reply.integer else { throw unexpected(reply, for: command) }
    return value
}

/// Redis takes whole milliseconds; a shorter positive duration rounds up so it never means 0.
func milliseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    let rest = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return seconds * 1000 + rest
}

/// An error for a reply of the wrong type; names the type only, never the reply's content.
func unexpected(_ reply: RedisValue, for command: String) -> RedisError {
    let kind =
        switch reply {
        case .simpleString: "a simple string"
        case .error: "an error"
        case .integer: "an integer"
        case .bulkString: "a bulk string"
        case .null: "null"
        case .array: "an array"
        }
    return RedisError(.unexpectedReply, command: command, reason: "unexpected reply: \(kind)")
}
