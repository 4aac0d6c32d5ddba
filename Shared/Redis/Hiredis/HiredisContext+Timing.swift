import CHiredis

extension HiredisContext {
    /// Sends `command` `count` times, one at a time, and returns each round trip's duration.
    ///
    /// The baseline for the adapter's overhead (`redis-probe`): the arguments are laid out
    /// once and each reply is freed without being copied, so only the blocking hiredis call
    /// itself is timed.
    /// - Throws: `RedisError` when a call fails or the server answers with an error.
    package func timeRawRoundTrips(of command: RedisCommand, count: Int) throws -> [Duration] {
        try withArgv(command.wireArguments) { argc, argv, lengths in
            let clock = ContinuousClock()
            var durations: [Duration] = []
            durations.reserveCapacity(count)
            for _ in 0..<count {
                let start = clock.now
                guard let reply = redisCommandArgv(context, argc, argv, lengths) else {
                    throw error(connecting: false, command: command.name)
                }
                let isError = reply.assumingMemoryBound(to: redisReply.self).pointee.type == REDIS_REPLY_ERROR
                freeReplyObject(reply)
                durations.append(clock.now - start)
                if isError {
                    throw RedisError(.serverError, command: command.name, reason: "error reply")
                }
            }
            return durations
        }
    }
}
