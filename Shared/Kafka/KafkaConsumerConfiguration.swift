/// Settings of a ``KafkaBroadcastConsumer``.
public struct KafkaConsumerConfiguration: Sendable {
    /// Brokers to bootstrap from, as `host:port`.
    /// Default: `["127.0.0.1:9092"]`.
    public var bootstrapServers: [String]
    /// The client id the broker sees (`client.id`).
    /// Default: `"token-infra"`.
    public var clientID: String
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
        fetchWaitMax = .milliseconds(10)
        reconnectInterval = .milliseconds(250)
        maxBufferedEvents = 10_000
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
        return properties.merging(additionalProperties) { _, extra in extra }
    }
}
