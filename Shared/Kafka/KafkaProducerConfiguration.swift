/// Settings of a ``KafkaProducer``. The producer is always idempotent with `acks=all`.
public struct KafkaProducerConfiguration: Sendable {
    /// The brokers, the client id and the security settings.
    public var connection: KafkaConnection
    /// How long a message waits to be batched with others before it is sent (`linger.ms`).
    /// Short, because revocations must arrive within 100 ms end to end.
    /// Default: 1 ms.
    public var linger: Duration
    /// How long a message may wait inside a connected client before its delivery fails
    /// (`message.timeout.ms`). While the broker is unreachable there is no client: messages wait
    /// in the producer for as long as it takes and are sent when the broker is back.
    /// Default: 30 s.
    public var messageTimeout: Duration
    /// How often a producer that lost its broker checks whether it is back, to recreate its client.
    /// Default: 250 ms.
    public var reconnectInterval: Duration
    /// How long ``KafkaProducer/shutdown()`` waits for queued messages to be delivered.
    /// Default: 5 s.
    public var flushTimeout: Duration

    /// Creates a configuration with the defaults above.
    public init(connection: KafkaConnection) {
        self.connection = connection
        linger = .milliseconds(1)
        messageTimeout = .seconds(30)
        reconnectInterval = .milliseconds(250)
        flushTimeout = .seconds(5)
    }

    /// Creates a configuration for a plaintext connection to `bootstrapServers`.
    public init(bootstrapServers: [String] = ["127.0.0.1:9092"], clientID: String = "token-infra") {
        self.init(connection: KafkaConnection(bootstrapServers: bootstrapServers, clientID: clientID))
    }

    var properties: [String: String] {
        connection.withClientProperties([
            "enable.idempotence": "true",
            "acks": "all",
            "linger.ms": "\(linger.wholeMilliseconds)",
            "message.timeout.ms": "\(max(1, messageTimeout.wholeMilliseconds))",
            "socket.nagle.disable": "true",
        ])
    }
}
