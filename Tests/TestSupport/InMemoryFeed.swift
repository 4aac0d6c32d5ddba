import Kafka
import Revocation
import Synchronization

/// An in-memory stand-in for the Kafka adapter (a fake behind ``BroadcastSource``): one partition per topic, every stream sees
/// every message published after it opened (and, from `.beginning`, those before).
public final class InMemoryFeedSource: BroadcastSource {
    struct Topic {
        var messages: [[UInt8]] = []
        var streams: [InMemoryFeedStream] = []
    }

    private let topics = Mutex<[String: Topic]>([:])
    /// How many streams were opened.
    public let opened = Atomic<Int>(0)

    public init() {}

    public func open(topic: String, from start: KafkaStartPosition) async throws -> any BroadcastStream {
        opened.add(1, ordering: .relaxed)
        return topics.withLock { topics in
            var entry = topics[topic] ?? Topic()
            let first = start == .beginning ? 0 : entry.messages.count
            let stream = InMemoryFeedStream(start: first, highWaterMark: entry.messages.count)
            for offset in first..<entry.messages.count {
                stream.continuation.yield(.message(Self.message(topic, offset, entry.messages[offset])))
            }
            entry.streams.append(stream)
            topics[topic] = entry
            return stream
        }
    }

    /// Appends a message to `topic` and hands it to every open stream.
    public func publish(_ value: [UInt8], to topic: String) {
        topics.withLock { topics in
            var entry = topics[topic] ?? Topic()
            entry.messages.append(value)
            for stream in entry.streams {
                stream.highWaterMark.withLock { $0 = entry.messages.count }
                stream.continuation.yield(.message(Self.message(topic, entry.messages.count - 1, value)))
            }
            topics[topic] = entry
        }
    }

    /// Sends a state change to every open stream of `topic`.
    public func signal(_ event: KafkaConsumerEvent, on topic: String) {
        topics.withLock { topics in
            for stream in topics[topic]?.streams ?? [] { stream.continuation.yield(event) }
        }
    }

    /// Empties a topic, as a broker restart does.
    public func wipe(_ topic: String) {
        topics.withLock { $0[topic]?.messages = [] }
    }

    private static func message(_ topic: String, _ offset: Int, _ value: [UInt8]) -> KafkaMessage {
        KafkaMessage(topic: topic, partition: 0, offset: offset, key: nil, value: value)
    }
}

final class InMemoryFeedStream: BroadcastStream {
    let events: KafkaConsumerEvents
    let continuation: AsyncStream<KafkaConsumerEvent>.Continuation
    let start: Int
    let highWaterMark: Mutex<Int>

    init(start: Int, highWaterMark: Int) {
        (events, continuation) = KafkaConsumerEvents.makeStream()
        self.start = start
        self.highWaterMark = Mutex(highWaterMark)
    }

    func positions() async throws -> [Int: Int] { [0: start] }
    var highWaterMarks: [Int: Int] { [0: highWaterMark.withLock { $0 }] }
    func shutdown() async { continuation.finish() }
}

/// An in-memory stand-in for Redis's revocation values (a fake behind ``RevocationSnapshot``).
public final class InMemorySnapshot: RevocationSnapshot {
    struct Unavailable: Error {}

    /// The stored values.
    public let values = Mutex<[[UInt8]]>([])
    /// The next loads that fail, as if Redis were down.
    public let failures = Atomic<Int>(0)
    /// How many loads were asked for.
    public let loads = Atomic<Int>(0)

    public init() {}

    public func forEachPage(_ page: ([[UInt8]]) -> Void) async throws {
        loads.add(1, ordering: .relaxed)
        if failures.load(ordering: .relaxed) > 0 {
            failures.subtract(1, ordering: .relaxed)
            throw Unavailable()
        }
        let all = values.withLock { $0 }
        stride(from: 0, to: all.count, by: 2).forEach { page(Array(all[$0..<min($0 + 2, all.count)])) }
    }
}
