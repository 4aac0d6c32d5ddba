import Synchronization

/// The events of a ``KafkaBroadcastConsumer``, in order. Iterate it from one task only; it ends
/// when the consumer shuts down.
public struct KafkaConsumerEvents: AsyncSequence, Sendable {
    /// Each element is a message or a change of the consumer's state.
    public typealias Element = KafkaConsumerEvent

    let stream: AsyncStream<KafkaConsumerEvent>
    let buffered: EventCount

    /// Makes the iterator.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inner: stream.makeAsyncIterator(), buffered: buffered)
    }

    /// Reads the next event, and lets the consumer fetch more once the buffer has room.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: AsyncStream<KafkaConsumerEvent>.AsyncIterator
        let buffered: EventCount

        /// The next event, or nil after shutdown.
        public mutating func next() async -> KafkaConsumerEvent? {
            let event = await inner.next()
            if event != nil { buffered.value.subtract(1, ordering: .relaxed) }
            return event
        }
    }
}

extension KafkaConsumerEvents {
    /// A sequence fed by hand through the returned continuation: for an in-memory
    /// ``BroadcastStream`` in tests.
    public static func makeStream() -> (events: KafkaConsumerEvents, continuation: AsyncStream<KafkaConsumerEvent>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: KafkaConsumerEvent.self)
        return (KafkaConsumerEvents(stream: stream, buffered: EventCount()), continuation)
    }
}

/// Events yielded but not yet read: the poll thread stops fetching when it is too high.
final class EventCount: Sendable {
    let value = Atomic<Int>(0)
}
