import NIOCore

/// One Redis connection, reopened on demand after it failed.
///
/// An actor whose executor is its own one-thread event loop: the blocking hiredis calls run
/// there, never on Swift's cooperative pool, and the actor serialises use of the C context
/// (which is not thread-safe) without locks or `@unchecked Sendable`. Obtain one from
/// `RedisClient.withConnection`.
public actor RedisConnection: RedisCommands {
    private let loop: any EventLoop
    private let configuration: RedisConfiguration
    private let tls: HiredisTLS?
    private var context: HiredisContext?
    private var failedConnects = 0
    private var nextConnectAllowed: ContinuousClock.Instant?
    private var isClosed = false

    /// Runs this actor's jobs on its event loop, so blocking C calls block only that thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        loop.executor.asUnownedSerialExecutor()
    }

    init(loop: any EventLoop, configuration: RedisConfiguration, tls: HiredisTLS? = nil) {
        self.loop = loop
        self.configuration = configuration
        self.tls = tls
    }

    /// Sends one command and waits for its reply, connecting first if needed.
    /// - Returns: The reply (never `.error`: error replies are thrown).
    /// - Throws: `RedisError`: `serverError` for an error reply; `timeout`, `connectionClosed`,
    ///   `protocolError` (the connection is then dropped and reopened on next use);
    ///   `connectionFailed` when connecting failed or is backing off; `clientClosed`.
    public func send(_ command: RedisCommand) throws -> RedisValue {
        let reply = try withContext(for: command.name) { try $0.send(command) }
        if case .error(let message) = reply { throw RedisError.server(message, command: command.name) }
        return reply
    }

    /// Sends several commands in one write and reads their replies in order.
    /// - Returns: One reply per command; error replies stay `.error` values so one failed
    ///   command does not hide the results of the others.
    /// - Throws: `RedisError` for a failure of the connection itself, as for `send(_:)`.
    public func pipeline(_ commands: [RedisCommand]) throws -> [RedisValue] {
        guard let first = commands.first else { return [] }
        return try withContext(for: first.name) { try $0.pipeline(commands) }
    }

    /// Frees the connection; later calls throw `clientClosed`.
    func close() {
        isClosed = true
        context = nil
    }

    /// Runs `body` on the open context. Any error from the context means hiredis gave up on
    /// it (or a late reply could be mistaken for the next one), so it is dropped for good.
    private func withContext<Result>(
        for command: String, _ body: (HiredisContext) throws -> Result
    ) throws -> Result {
        // The whole point of this actor: blocking calls happen on its own thread only.
        assert(loop.inEventLoop, "a hiredis call off the connection's event loop")
        let context = try openContext(for: command)
        do {
            return try body(context)
        } catch {
            self.context = nil
            throw error
        }
    }

    /// The open context, or a new one. After failed connects, new attempts wait an
    /// exponentially growing delay so an unreachable server costs callers a fast error rather
    /// than a connect timeout each.
    private func openContext(for command: String) throws -> HiredisContext {
        guard !isClosed else {
            throw RedisError(.clientClosed, command: command, reason: "the client was closed")
        }
        if let context { return context }
        let now = ContinuousClock.now
        if let nextConnectAllowed, now < nextConnectAllowed {
            throw RedisError(
                .connectionFailed, command: command,
                reason: "\(failedConnects) connect attempts failed; next one in "
                    + "\(nextConnectAllowed - now)")
        }
        do {
            let context = try HiredisContext.connect(
                host: configuration.host, port: configuration.port,
                connectTimeout: configuration.connectTimeout,
                commandTimeout: configuration.commandTimeout, tls: tls, command: command)
            try prepare(context)
            self.context = context
            failedConnects = 0
            nextConnectAllowed = nil
            return context
        } catch {
            failedConnects += 1
            let delay = configuration.minimumReconnectDelay * (1 << min(failedConnects - 1, 16))
            nextConnectAllowed = .now + min(delay, configuration.maximumReconnectDelay)
            throw error
        }
    }

    /// AUTH and SELECT on a new connection, as the configuration asks.
    private func prepare(_ context: HiredisContext) throws {
        var commands: [RedisCommand] = []
        if let password = configuration.password {
            let user = configuration.username.map { [RedisArgument($0)] } ?? []
            commands.append(RedisCommand("AUTH", user + [RedisArgument(password)]))
        }
        if configuration.database != 0 {
            commands.append(RedisCommand("SELECT", RedisArgument(configuration.database)))
        }
        for command in commands {
            if case .error(let message) = try context.send(command) {
                let rejected = RedisError.server(message, command: command.name)
                throw RedisError(.connectionFailed, command: command.name, reason: rejected.reason)
            }
        }
    }
}
