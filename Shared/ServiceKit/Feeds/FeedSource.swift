/// Where a feed starts reading a topic.
public enum FeedStart: Sendable, Hashable {
    /// Every message the topic still has (the key topic).
    case beginning
    /// Only messages written after the end offsets seen in the first fetch (the revocation
    /// topic, whose past comes from Redis).
    case end
}

/// What a ``FeedStream`` delivers, in order.
public enum FeedEvent: Sendable, Hashable {
    /// The next message of a partition.
    case message(partition: Int, offset: Int, value: [UInt8])
    /// The stream no longer holds what was read (the broker lost its log, the topic was
    /// re-created): the reader resynchronises from its other source of truth.
    case offsetsLost(reason: String)
    /// The broker went away; the stream reconnects by itself.
    case brokerLost
    /// The stream reads again after ``brokerLost``.
    case reconnected
}

/// A broadcast reader of one topic: every partition, no consumer group. The Kafka adapter is
/// the real one (``KafkaFeedSource``); tests use an in-memory one.
public protocol FeedStream: Sendable {
    /// The messages and state changes, in order; read from one task only.
    var events: AsyncStream<FeedEvent> { get }
    /// Waits until every partition has a start offset and returns them (partition → offset).
    /// With ``FeedStart/end`` these are the end offsets of the first fetch (its high-water marks,
    /// never ListOffsets, which is wrong on the dev broker).
    /// - Throws: when the stream is closed first.
    func positions() async throws -> [Int: Int]
    /// The offset after the last message of each partition, as the latest fetch saw it; empty
    /// until the first fetch.
    var highWaterMarks: [Int: Int] { get }
    /// Stops reading and frees the client; ``events`` ends.
    func close() async
}

/// Opens ``FeedStream``s: a new client each time, so that a stream that lost its broker can
/// be replaced by a fresh one (shared/FACTS.md: clients must not outlive a re-created topic).
public protocol FeedSource: Sendable {
    /// Opens a stream of `topic` from `start`.
    /// - Throws: when the client cannot be created (library too old, bad configuration).
    func open(topic: String, from start: FeedStart) async throws -> any FeedStream
}
