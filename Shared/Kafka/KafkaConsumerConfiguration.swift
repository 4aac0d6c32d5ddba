/// Settings of a ``KafkaBroadcastConsumer``.
public struct KafkaConsumerConfiguration: Sendable {
    /// The brokers, the client id and the security settings.
    public var connection: KafkaConnection
    /// How long the broker may hold a fetch that has no new data (`fetch.wait.max.ms`).
    ///
    /// This is the consumer's latency: the dev broker (Tansu) holds every fetch for the full
    /// time even when data arrives, so a message waits on average about this long. Measured on
    /// loopback (docs/BENCHMARKS.md): 10 ms gives p50 ≈ 7 ms and p99 ≈ 17 ms produce→consume,
    /// inside the 100 ms revocation budget, at a small idle cost to the broker; 1 ms costs the
    /// broker half a core and 0 never returns data. Real Kafka answers as soon as data arrives,
    /// so there it only bounds idle polling.
    /// Default: 10 ms.
    public var fetchWaitMax: Duration
    /// How often a consumer that lost its broker checks whether the broker and the topic are
    /// back, to recreate its client.
    /// Default: 250 ms.
    public var reconnectInterval: Duration
    /// How many events may wait unread in ``KafkaBroadcastConsumer/events`` before the consumer
    /// stops fetching.
    /// Default: 10,000.
    public var maxBufferedEvents: Int

    /// Creates a configuration with the defaults above.
    public init(connection: KafkaConnection) {
        self.connection = connection
        fetchWaitMax = .milliseconds(10)
        reconnectInterval = .milliseconds(250)
        maxBufferedEvents = 10_000
    }

    /// Creates a configuration for a plaintext connection to `bootstrapServers`.
    public init(bootstrapServers: [String] = ["127.0.0.1:9092"], clientID: String = "token-infra") {
        self.init(connection: KafkaConnection(bootstrapServers: bootstrapServers, clientID: clientID))
    }

    var properties: [String: String] {
        var properties: [String: String] = [:]
        // librdkafka needs a group id even for a consumer that only uses manual assignment;
        // the group is never joined and no offset is ever committed.
        properties["group.id"] = "token-infra-broadcast-unused"
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        // Missing offsets become an error the consumer reports (offsetsLost), never a silent jump.
        properties["auto.offset.reset"] = "error"
        properties["enable.partition.eof"] = "false"
        properties["fetch.wait.max.ms"] = "\(max(1, fetchWaitMax.wholeMilliseconds))"
        properties["fetch.error.backoff.ms"] = "100"
        properties["socket.nagle.disable"] = "true"
        properties["allow.auto.create.topics"] = "false"
        // What librdkafka fetches ahead of the reader, per partition: 1 MB instead of its 64 MB
        // default, so that a stalled reader holds at most this plus maxBufferedEvents.
        properties["queued.max.messages.kbytes"] = "1024"
        return connection.withClientProperties(properties)
    }
}
