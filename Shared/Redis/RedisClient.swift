import NIOCore
import NIOPosix

/// A pool of Redis connections, each on its own thread, with typed commands.
///
/// Connections open lazily on first use and reopen after a failure, so creating a client
/// never fails because Redis is down. Call `close()` when done: it stops the threads.
public final class RedisClient: RedisCommands {
    /// The configuration the client was made with.
    public let configuration: RedisConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let connections: [RedisConnection]
    private let pool: ConnectionPool

    /// A client with `configuration.poolSize` connections, none opened yet.
    /// - Parameter configuration: Where to connect and how long to wait.
    /// - Throws: `RedisError` `invalidConfiguration`, also when a TLS file cannot be loaded.
    public init(configuration: RedisConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        let tls = try configuration.tls.map { try HiredisTLS($0, host: configuration.host) }
        // One thread per connection: a blocked hiredis call then holds up only its own actor.
        group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.poolSize)
        connections = group.makeIterator().map {
            RedisConnection(loop: $0, configuration: configuration, tls: tls)
        }
        pool = ConnectionPool(connections)
    }

    /// Lends one connection to `body` for its whole run, e.g. for several commands that must
    /// share a connection; other users get other connections or wait.
    /// - Parameter body: Uses the connection; it must not keep it after returning.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, `RedisError` `clientClosed`, or `CancellationError`
    ///   while waiting for a connection.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await pool.acquire()
        defer { pool.release(connection) }
        return try await body(connection)
    }

    /// Sends one command on a pooled connection and waits for its reply.
    /// - Returns: The reply (never `.error`: error replies are thrown).
    /// - Throws: `RedisError` as `RedisConnection.send(_:)` does, or `clientClosed`.
    public func send(_ command: RedisCommand) async throws -> RedisValue {
        let connection = try await pool.acquire()
        defer { pool.release(connection) }
        return try await connection.send(command)
    }

    /// Sends several commands in one write on one pooled connection; replies come in order.
    /// - Returns: One reply per command, error replies as `.error` values.
    /// - Throws: `RedisError` for a failure of the connection itself, or `clientClosed`.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        let connection = try await pool.acquire()
        defer { pool.release(connection) }
        return try await connection.pipeline(commands)
    }

    /// Fails waiting and later users, closes the connections after their current command,
    /// and stops the threads. Do not call it from inside `withConnection`.
    /// - Throws: An error from stopping the event-loop threads.
    public func close() async throws {
        pool.close()
        for connection in connections { await connection.close() }
        try await group.shutdownGracefully()
    }
}
