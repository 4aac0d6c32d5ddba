import Kafka
import Logging

/// ``FeedSource`` over the Kafka adapter's `KafkaBroadcastConsumer`: every partition assigned by
/// hand, a new librdkafka client for every stream.
public struct KafkaFeedSource: FeedSource {
    /// The consumer settings every stream gets.
    public let configuration: KafkaConsumerConfiguration
    let logger: Logger

    /// Creates a source reading from `configuration.bootstrapServers`.
    public init(configuration: KafkaConsumerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func open(topic: String, from start: FeedStart) async throws -> any FeedStream {
        let consumer = try KafkaBroadcastConsumer(
            topic: topic, start: start == .beginning ? .beginning : .end, configuration: configuration, logger: logger)
        return KafkaFeedStream(consumer: consumer)
    }
}

/// One `KafkaBroadcastConsumer` seen as a ``FeedStream``.
final class KafkaFeedStream: FeedStream {
    let consumer: KafkaBroadcastConsumer
    let events: AsyncStream<FeedEvent>
    private let pump: Task<Void, Never>

    init(consumer: KafkaBroadcastConsumer) {
        self.consumer = consumer
        let (events, continuation) = AsyncStream.makeStream(of: FeedEvent.self)
        self.events = events
        // The adapter's events are translated as they come; this task ends with the consumer.
        pump = Task {
            for await event in consumer.events {
                switch event {
                case .message(let message):
                    continuation.yield(.message(partition: message.partition, offset: message.offset, value: message.value))
                case .offsetsLost(let partition, let expected, let actual):
                    continuation.yield(
                        .offsetsLost(
                            reason:
                                "partition \(partition): expected offset \(expected), the log now ends at \(actual.map(String.init) ?? "?")"
                        ))
                case .brokerLost:
                    continuation.yield(.brokerLost)
                case .reconnected:
                    continuation.yield(.reconnected)
                }
            }
            continuation.finish()
        }
    }

    func positions() async throws -> [Int: Int] { try await consumer.positions() }
    var highWaterMarks: [Int: Int] { consumer.highWaterMarks }

    func close() async {
        await consumer.shutdown()
        pump.cancel()
    }
}
