/// Settings of a ``KafkaProducer``. The producer is always idempotent with `acks=all`.
public struct KafkaProducerConfiguration: Sendable {
    /// Brokers to bootstrap from, as `host:port`.
    /// Default: `["127.0.0.1:9092"]`.
    public var bootstrapServers: [String]
    /// The client id the broker sees (`client.id`).
    /// Default: `"token-infra"`.
    public var clientID: String
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
    /// TLS and SASL (`security.protocol` and friends).
    /// Default: plaintext, no authentication.
    public var security: KafkaSecurity
    /// More librdkafka properties, applied after the ones above (for example TLS settings).
    /// Default: none.
    public var additionalProperties: [String: String]

    /// Creates a configuration with the defaults above.
    public init(bootstrapServers: [String] = ["127.0.0.1:9092"], clientID: String = "token-infra") {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        linger = .milliseconds(1)
        messageTimeout = .seconds(30)
        reconnectInterval = .milliseconds(250)
        flushTimeout = .seconds(5)
        security = KafkaSecurity()
        additionalProperties = [:]
    }

    var connectionProperties: [String: String] {
        ["bootstrap.servers": bootstrapServers.joined(separator: ","), "client.id": clientID]
            .merging(security.properties) { _, secure in secure }
            .merging(additionalProperties) { _, extra in extra }
    }

    var properties: [String: String] {
        var properties = connectionProperties
        properties["enable.idempotence"] = "true"
        properties["acks"] = "all"
        properties["linger.ms"] = "\(linger.wholeMilliseconds)"
        properties["message.timeout.ms"] = "\(max(1, messageTimeout.wholeMilliseconds))"
        properties["socket.nagle.disable"] = "true"
        return properties.merging(additionalProperties) { _, extra in extra }
    }
}
