import Logging

/// A broadcast reader of one topic as a feed sees it: every partition, no consumer group.
/// ``KafkaBroadcastConsumer`` is the real one; tests use an in-memory one.
///
/// ``events`` is the reader's own sequence, so the reader's limit on unread events
/// (``KafkaConsumerConfiguration/maxBufferedEvents``) holds for whoever iterates it: a feed that
/// stops reading stops the fetching.
public protocol BroadcastStream: Sendable {
    /// The messages and state changes, in order; read from one task only.
    var events: KafkaConsumerEvents { get }
    /// Waits until every partition has a start offset and returns them (partition → offset).
    /// - Throws: when the stream is shut down first.
    func positions() async throws -> [Int: Int]
    /// The offset after the last message of each partition, as the latest fetch saw it; empty
    /// until the first fetch.
    var highWaterMarks: [Int: Int] { get }
    /// Stops reading and frees the client; ``events`` ends.
    func shutdown() async
}

/// Opens ``BroadcastStream``s: a new client each time, so that a stream that lost its broker
/// can be replaced by a fresh one (a client must not outlive a re-created topic).
public protocol BroadcastSource: Sendable {
    /// Opens a stream of `topic` from `start`.
    /// - Throws: when the client cannot be created (library too old, bad configuration).
    func open(topic: String, from start: KafkaStartPosition) async throws -> any BroadcastStream
}

extension KafkaBroadcastConsumer: BroadcastStream {}

/// ``BroadcastSource`` over Kafka: a new ``KafkaBroadcastConsumer`` for every stream.
public struct KafkaBroadcastSource: BroadcastSource {
    /// The settings every stream gets.
    public let configuration: KafkaConsumerConfiguration
    let logger: Logger

    /// Creates a source reading from `configuration.connection.bootstrapServers`.
    public init(configuration: KafkaConsumerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func open(topic: String, from start: KafkaStartPosition) async throws -> any BroadcastStream {
        try KafkaBroadcastConsumer(topic: topic, start: start, configuration: configuration, logger: logger)
    }
}
