import Synchronization

@testable import ServiceKit

/// An in-memory stand-in for the Kafka adapter: one partition per topic, every stream sees
/// every message published after it opened (and, from `.beginning`, those before).
final class InMemoryFeedSource: FeedSource {
    struct Topic {
        var messages: [[UInt8]] = []
        var streams: [InMemoryFeedStream] = []
    }

    let topics = Mutex<[String: Topic]>([:])
    let opened = Atomic<Int>(0)

    func open(topic: String, from start: FeedStart) async throws -> any FeedStream {
        opened.add(1, ordering: .relaxed)
        return topics.withLock { topics in
            var entry = topics[topic] ?? Topic()
            let first = start == .beginning ? 0 : entry.messages.count
            let stream = InMemoryFeedStream(start: first, highWaterMark: entry.messages.count)
            for offset in first..<entry.messages.count {
                stream.continuation.yield(.message(partition: 0, offset: offset, value: entry.messages[offset]))
            }
            entry.streams.append(stream)
            topics[topic] = entry
            return stream
        }
    }

    func publish(_ value: [UInt8], to topic: String) {
        topics.withLock { topics in
            var entry = topics[topic] ?? Topic()
            entry.messages.append(value)
            for stream in entry.streams {
                stream.highWaterMark.withLock { $0 = entry.messages.count }
                stream.continuation.yield(.message(partition: 0, offset: entry.messages.count - 1, value: value))
            }
            topics[topic] = entry
        }
    }

    /// Sends a state change to every open stream of `topic`.
    func signal(_ event: FeedEvent, on topic: String) {
        topics.withLock { topics in
            for stream in topics[topic]?.streams ?? [] { stream.continuation.yield(event) }
        }
    }

    /// Empties a topic, as a broker restart does.
    func wipe(_ topic: String) {
        topics.withLock { $0[topic]?.messages = [] }
    }
}

final class InMemoryFeedStream: FeedStream {
    let events: AsyncStream<FeedEvent>
    let continuation: AsyncStream<FeedEvent>.Continuation
    let start: Int
    let highWaterMark: Mutex<Int>

    init(start: Int, highWaterMark: Int) {
        (events, continuation) = AsyncStream.makeStream(of: FeedEvent.self)
        self.start = start
        self.highWaterMark = Mutex(highWaterMark)
    }

    func positions() async throws -> [Int: Int] { [0: start] }
    var highWaterMarks: [Int: Int] { [0: highWaterMark.withLock { $0 }] }
    func close() async { continuation.finish() }
}

/// An in-memory stand-in for Redis's `revoked:*` values.
final class InMemorySnapshot: RevocationSnapshot {
    struct Unavailable: Error {}

    let values = Mutex<[[UInt8]]>([])
    /// The next loads that fail, as if Redis were down.
    let failures = Atomic<Int>(0)
    let loads = Atomic<Int>(0)

    func forEachPage(_ page: ([[UInt8]]) -> Void) async throws {
        loads.add(1, ordering: .relaxed)
        if failures.load(ordering: .relaxed) > 0 {
            failures.subtract(1, ordering: .relaxed)
            throw Unavailable()
        }
        let all = values.withLock { $0 }
        stride(from: 0, to: all.count, by: 2).forEach { page(Array(all[$0..<min($0 + 2, all.count)])) }
    }
}
