/// One message read from a topic, copied out of librdkafka.
public struct KafkaMessage: Sendable, Hashable {
    /// The topic it was read from.
    public var topic: String
    /// Its partition.
    public var partition: Int
    /// Its offset within the partition.
    public var offset: Int
    /// Its key, if it has one.
    public var key: [UInt8]?
    /// Its value.
    public var value: [UInt8]

    /// Creates a message value.
    public init(topic: String, partition: Int, offset: Int, key: [UInt8]?, value: [UInt8]) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
    }
}

/// Where the broker stored a message that ``KafkaProducer/send(topic:key:value:)`` delivered.
public struct KafkaDeliveryReport: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition the message went to.
    public var partition: Int
    /// Its offset within that partition.
    public var offset: Int

    /// Creates a report value.
    public init(topic: String, partition: Int, offset: Int) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

/// Where a ``KafkaBroadcastConsumer`` starts reading each partition.
public enum KafkaStartPosition: Sendable, Hashable {
    /// The first message each partition still has.
    case beginning
    /// The end of each partition as of the first fetch: only messages written after that. The
    /// end comes from the fetch response's high-water mark, because the dev broker answers
    /// ListOffsets "latest" with the start of the last batch (docs/KAFKA.md).
    case end
    /// The given offset of each partition (partition → offset); partitions not named start at
    /// the beginning.
    case offsets([Int: Int])
}

/// What a ``KafkaBroadcastConsumer`` reports, in order.
public enum KafkaConsumerEvent: Sendable, Hashable {
    /// The next message of a partition.
    case message(KafkaMessage)
    /// The partition no longer has the messages the consumer was at (the broker lost its log,
    /// or the topic was re-created): `expected` is the offset it was to read next, `actual` the
    /// partition's end now when known. The consumer goes on from the partition's beginning; the
    /// caller should resynchronise from its other source of truth.
    case offsetsLost(partition: Int, expected: Int, actual: Int?)
    /// The broker went away; the consumer dropped its client and reconnects by itself.
    case brokerLost
    /// The consumer is reading again after ``brokerLost``.
    case reconnected
}
