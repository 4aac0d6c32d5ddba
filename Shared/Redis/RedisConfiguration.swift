/// How a `RedisClient` connects and how long it waits.
public struct RedisConfiguration: Sendable, Hashable {
    /// The server's host name or address.
    /// Default: `127.0.0.1`.
    public var host: String
    /// The server's TCP port.
    /// Default: `6379`.
    public var port: Int
    /// The database selected on every new connection (`SELECT`).
    /// Default: `0`.
    public var database: Int
    /// The ACL user sent with `AUTH`; `nil` for the default user.
    /// Default: `nil`.
    public var username: String?
    /// The password sent with `AUTH` on every new connection; `nil` sends no `AUTH`.
    /// Comes from the URL, the environment or a file, never from a default.
    /// Default: `nil`.
    public var password: String?
    /// TLS to the server; `nil` for plain TCP. A `rediss://` URL sets it.
    /// Default: `nil`.
    public var tls: RedisTLSConfiguration?
    /// The longest a TCP connect may take.
    /// Default: 1 second.
    public var connectTimeout: Duration
    /// The longest one command (or one pipeline read) may wait for the server; a connection
    /// that timed out is dropped and reopened on next use.
    /// Default: 1 second.
    public var commandTimeout: Duration
    /// How many connections the pool holds; each has its own thread.
    /// Default: `4`.
    public var poolSize: Int
    /// The wait before a new connect after the first failed one; it doubles on each failure.
    /// Default: 100 milliseconds.
    public var minimumReconnectDelay: Duration
    /// The longest wait between failed connects.
    /// Default: 2 seconds.
    public var maximumReconnectDelay: Duration

    /// A configuration with every default, for a server at `host:port`.
    /// - Parameters:
    ///   - host: The server's host name or address. Default: `127.0.0.1`.
    ///   - port: The server's TCP port. Default: `6379`.
    public init(host: String = "127.0.0.1", port: Int = 6379) {
        self.host = host
        self.port = port
        self.database = 0
        self.username = nil
        self.password = nil
        self.tls = nil
        self.connectTimeout = .seconds(1)
        self.commandTimeout = .seconds(1)
        self.poolSize = 4
        self.minimumReconnectDelay = .milliseconds(100)
        self.maximumReconnectDelay = .seconds(2)
    }

    /// Checks the values a client cannot work with.
    /// - Throws: `RedisError` with code `invalidConfiguration`.
    package func validate() throws {
        func invalid(_ reason: String) -> RedisError {
            RedisError(.invalidConfiguration, command: nil, reason: reason)
        }
        guard !host.isEmpty else { throw invalid("empty host") }
        guard (1...65535).contains(port) else { throw invalid("port \(port) out of range") }
        guard database >= 0 else { throw invalid("negative database \(database)") }
        guard poolSize >= 1 else { throw invalid("pool size must be at least 1") }
        // hiredis treats a zero timeout as "wait forever", which is what the timeouts prevent.
        guard connectTimeout > .zero, commandTimeout > .zero else {
            throw invalid("timeouts must be positive")
        }
        guard minimumReconnectDelay <= maximumReconnectDelay else {
            throw invalid("minimum reconnect delay exceeds the maximum")
        }
        try tls?.validate()
    }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The URL form with the password masked, safe for logs.
    public var description: String {
        let credentials = password == nil ? "" : "\(username ?? ""):***@"
        return "\(tls == nil ? "redis" : "rediss")://\(credentials)\(host):\(port)/\(database)"
    }
}
