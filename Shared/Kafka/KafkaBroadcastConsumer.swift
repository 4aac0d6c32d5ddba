import Logging
import ServiceLifecycle
import Synchronization

/// Reads every partition of one topic, for a service that must see every event (broadcast, not
/// a work queue): partitions are assigned by hand, no consumer group is joined, no offset is
/// committed.
///
/// A thread of its own polls librdkafka and turns what it reads into ``events``. When the broker
/// goes away the consumer drops its client (a client alive while the topic is re-created can
/// crash librdkafka, docs/KAFKA.md), waits until the broker and the topic are back, creates a
/// new client and goes on from where it was. If the partition no longer holds what it had read
/// (the dev broker keeps everything in memory, so a restart empties it), it reports
/// ``KafkaConsumerEvent/offsetsLost(partition:expected:actual:)`` and reads the new log from its
/// beginning.
public final class KafkaBroadcastConsumer: Sendable {
    enum Lifecycle {
        case running
        case stopping([CheckedContinuation<Void, Never>])
        case stopped
    }

    struct State {
        var brokerLost = false
        var highWaterMarks: [Int: Int] = [:]
        var positions: [Int: Int]?
        var positionWaiters: [CheckedContinuation<[Int: Int], any Error>] = []
        var lifecycle = Lifecycle.running
        var clientsCreated = 0
    }

    /// The topic read.
    public let topic: String
    /// Where reading started.
    public let start: KafkaStartPosition
    let configuration: KafkaConsumerConfiguration
    let logger: Logger
    let state = Mutex(State())
    let continuation: AsyncStream<KafkaConsumerEvent>.Continuation
    let buffered = EventCount()

    /// The messages and state changes, in order; see ``KafkaConsumerEvents``.
    public let events: KafkaConsumerEvents

    /// Creates the consumer and starts its poll thread; it connects in the background and waits
    /// for the topic to exist.
    /// - Throws: ``KafkaError`` when librdkafka is too old or refuses the configuration.
    public init(
        topic: String, start: KafkaStartPosition, configuration: KafkaConsumerConfiguration, logger: Logger
    ) throws {
        self.topic = topic
        self.start = start
        self.configuration = configuration
        self.logger = logger
        let (stream, continuation) = AsyncStream.makeStream(of: KafkaConsumerEvent.self)
        self.continuation = continuation
        events = KafkaConsumerEvents(stream: stream, buffered: buffered)
        // Fails here, not on the thread, if the library or the configuration is refused.
        _ = try RDKafkaClient(
            kind: .consumer, properties: configuration.properties, callbacks: RDKafkaCallbacks(logger: logger))
        DedicatedThread.start(name: "kafka-consumer") { [self] in pollLoop() }
    }

    /// Waits until every partition has a start offset and returns them (partition → offset of
    /// the first message to be read). With ``KafkaStartPosition/end`` these are the end offsets
    /// read from the first fetch, the point a service loads its other state at before it applies
    /// the events that follow.
    /// - Throws: ``KafkaError/Code/shutDown`` if the consumer stops first.
    public func positions() async throws -> [Int: Int] {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { state -> Result<[Int: Int], any Error>? in
                if let positions = state.positions { return .success(positions) }
                guard case .running = state.lifecycle else {
                    return .failure(KafkaError(.shutDown, "the consumer is shut down"))
                }
                state.positionWaiters.append(continuation)
                return nil
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// The high-water mark (offset after the last message) of each partition, as the latest
    /// fetch response gave it; empty until the first fetch. Not ListOffsets: that is wrong on the
    /// dev broker (docs/KAFKA.md).
    public var highWaterMarks: [Int: Int] {
        state.withLock { $0.highWaterMarks }
    }

    /// How many librdkafka clients this consumer has created (1 + one per broker loss).
    public var clientsCreated: Int {
        state.withLock { $0.clientsCreated }
    }

    /// Whether the consumer has a client that has not lost its broker.
    public var isConnected: Bool {
        state.withLock { $0.clientsCreated > 0 && !$0.brokerLost }
    }

    /// Stops the poll thread, destroys the client and ends ``events``. Calling it again waits
    /// for the first call to finish.
    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                switch state.lifecycle {
                case .running: state.lifecycle = .stopping([continuation])
                case .stopping(let waiters): state.lifecycle = .stopping(waiters + [continuation])
                case .stopped: return true
                }
                return false
            }
            if done { continuation.resume() }
        }
    }
}

extension KafkaBroadcastConsumer: Service {
    /// Runs until graceful shutdown (or cancellation), then calls ``shutdown()``.
    /// - Throws: nothing; the signature is `Service`'s.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}
