import CHiredis

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One blocking hiredis connection; the only owner of its `redisContext`.
///
/// Not Sendable on purpose: a `redisContext` is not thread-safe, so each instance lives inside
/// one `RedisConnection` actor, whose executor is a single event-loop thread. Every call
/// blocks that thread until the server answers or the socket timeout fires. After any thrown
/// error the context is unusable (hiredis keeps its error state), and the owner drops it.
package final class HiredisContext {
    /// Not private only so that `HiredisContext+Timing.swift` can time the bare C call.
    let context: UnsafeMutablePointer<redisContext>

    private init(_ context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    deinit {
        redisFree(context)
    }

    /// Opens a TCP connection, sets the socket timeout used by every later call and, with
    /// `tls`, does the TLS handshake (bounded by that timeout too).
    /// - Throws: `RedisError` `timeout` or `connectionFailed`.
    package static func connect(
        host: String, port: Int, connectTimeout: Duration, commandTimeout: Duration,
        tls: HiredisTLS? = nil, command: String?
    ) throws -> HiredisContext {
        _ = ignoreBrokenPipe
        guard let raw = redisConnectWithTimeout(host, Int32(port), timeval(connectTimeout)) else {
            throw RedisError(.connectionFailed, command: command, reason: "out of memory")
        }
        let connection = HiredisContext(raw)
        if raw.pointee.err != 0 {
            throw connection.error(connecting: true, command: command, to: "\(host):\(port)")
        }
        guard redisSetTimeout(raw, timeval(commandTimeout)) == REDIS_OK else {
            throw connection.error(connecting: true, command: command, to: "\(host):\(port)")
        }
        if let tls, redisInitiateSSLWithContext(raw, tls.context) != REDIS_OK {
            throw connection.error(connecting: true, command: command, to: "\(host):\(port) (TLS)")
        }
        return connection
    }

    /// Sends one command and waits for its reply.
    /// - Returns: The reply; an error reply is returned as `.error`, not thrown.
    /// - Throws: `RedisError` `timeout`, `connectionClosed` or `protocolError`.
    package func send(_ command: RedisCommand) throws -> RedisValue {
        let reply = withArgv(command.wireArguments) { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let reply else { throw error(connecting: false, command: command.name) }
        defer { freeReplyObject(reply) }
        return try RedisValue(copying: reply, command: command.name)
    }

    /// Writes every command into the output buffer, then reads the replies in the same order:
    /// one round trip instead of one per command.
    /// - Returns: One reply per command, error replies as `.error` values.
    /// - Throws: `RedisError` `timeout`, `connectionClosed` or `protocolError`.
    package func pipeline(_ commands: [RedisCommand]) throws -> [RedisValue] {
        for command in commands {
            let status = withArgv(command.wireArguments) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            guard status == REDIS_OK else { throw error(connecting: false, command: command.name) }
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for command in commands {
            var reply: UnsafeMutableRawPointer?
            guard redisGetReply(context, &reply) == REDIS_OK, let reply else {
                throw error(connecting: false, command: command.name)
            }
            defer { freeReplyObject(reply) }
            replies.append(try RedisValue(copying: reply, command: command.name))
        }
        return replies
    }

    /// The context's error state as a `RedisError`.
    func error(connecting: Bool, command: String?, to address: String = "") -> RedisError {
        let message = withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let code: RedisError.Code
        switch context.pointee.err {
        case REDIS_ERR_IO where timeoutMessages.contains(message): code = .timeout
        case _ where connecting: code = .connectionFailed
        case REDIS_ERR_IO, REDIS_ERR_EOF: code = .connectionClosed
        default: code = .protocolError
        }
        let reason = connecting ? "connect to \(address): \(message)" : message
        return RedisError(code, command: command, reason: reason.isEmpty ? "unknown" : reason)
    }
}

/// With blocking sockets hiredis reports a socket timeout as an I/O error whose text is
/// `strerror(EAGAIN)` (reads) or `strerror(ETIMEDOUT)` (connect); the text is all it keeps.
private let timeoutMessages: Set<String> = Set(
    [EAGAIN, EWOULDBLOCK, ETIMEDOUT].map { String(cString: strerror($0)) }
)

/// hiredis writes with `write(2)`, so a write to a connection the server closed would raise
/// SIGPIPE and kill the process; ignoring it turns that into an `EPIPE` error instead.
private let ignoreBrokenPipe: Void = {
    _ = signal(SIGPIPE, SIG_IGN)
}()

extension timeval {
    fileprivate init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: .init(seconds), tv_usec: .init(attoseconds / 1_000_000_000_000))
    }
}

/// Calls `body` with hiredis's argv form of `arguments`: all bytes copied into one buffer, a
/// pointer and a length per argument, valid only during the call.
func withArgv<Result>(
    _ arguments: [RedisArgument],
    _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) throws -> Result
) rethrows -> Result {
    var joined: [UInt8] = []
    var lengths: [Int] = []
    lengths.reserveCapacity(arguments.count)
    for argument in arguments {
        joined.append(contentsOf: argument.bytes)
        lengths.append(argument.bytes.count)
    }
    // Never empty, so the buffer always has a base address even when every argument is "".
    joined.append(0)
    return try joined.withUnsafeBytes { bytes in
        var pointers: [UnsafePointer<CChar>?] = []
        pointers.reserveCapacity(lengths.count)
        var offset = 0
        for length in lengths {
            pointers.append((bytes.baseAddress! + offset).assumingMemoryBound(to: CChar.self))
            offset += length
        }
        let count = Int32(lengths.count)
        // A trailing entry in each array keeps both non-empty (so they have base addresses)
        // even for zero arguments; hiredis reads only `count` of them.
        pointers.append(nil)
        lengths.append(0)
        return try pointers.withUnsafeMutableBufferPointer { argv in
            try lengths.withUnsafeBufferPointer { argvlen in
                try body(count, argv.baseAddress!, argvlen.baseAddress!)
            }
        }
    }
}
