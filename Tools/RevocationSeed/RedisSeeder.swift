import Redis

/// Writes entries with pipelined `SET revoked:jti:<id> <event> PX <ms>`, several pipelines at
/// once on separate connections.
struct RedisSeeder {
    let client: RedisClient
    let pipeline: Int
    let connections: Int

    /// - Throws: `RedisError` `invalidConfiguration` for a bad URL.
    init(url: String, pipeline: Int, connections: Int) throws {
        var configuration = try RedisConfiguration(url: url)
        configuration.poolSize = connections
        // A pipeline of thousands of SETs takes longer than one command's default timeout.
        configuration.commandTimeout = .seconds(30)
        client = try RedisClient(configuration: configuration)
        self.pipeline = pipeline
        self.connections = connections
    }

    /// Writes every batch; returns how long it took.
    /// - Throws: `RedisError`, also for the first error reply inside a pipeline.
    func write(_ batches: SeedBatches) async throws -> Duration {
        let started = ContinuousClock.now
        // Batches of several pipelines, one per connection.
        try await batches.forEach(batchSize: pipeline * connections) { entries in
            let commands = entries.map { entry in
                // The Revoker's `SET key value` with the lifetime as PX (EX when it is whole
                // seconds: the same expiry).
                RedisCommand(
                    "SET", [RedisArgument(entry.redisKey), RedisArgument(entry.event), "PX", RedisArgument(entry.lifetimeMilliseconds)])
            }
            let chunks = stride(from: 0, to: commands.count, by: pipeline).map {
                Array(commands[$0..<min($0 + pipeline, commands.count)])
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                var running = 0
                for chunk in chunks {
                    if running == connections {
                        try await group.next()
                        running -= 1
                    }
                    group.addTask { try await self.send(chunk) }
                    running += 1
                }
                try await group.waitForAll()
            }
        }
        return ContinuousClock.now - started
    }

    private func send(_ commands: [RedisCommand]) async throws {
        for reply in try await client.pipeline(commands) {
            // A SET answers only OK or an error such as OOM; neither echoes the arguments.
            if case .error(let message) = reply { throw RedisError(.serverError, command: "SET", reason: message) }
        }
    }

    /// Closes the connections.
    /// - Throws: An error from stopping the client's threads.
    func close() async throws { try await client.close() }
}
