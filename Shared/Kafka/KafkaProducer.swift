import Logging
import ServiceLifecycle
import Synchronization

/// An idempotent producer (`acks=all`) whose ``send(topic:key:value:)`` returns when the broker
/// has stored the message.
///
/// A thread of its own polls librdkafka for delivery reports, so nothing blocks Swift's
/// cooperative pool. When the broker goes away (librdkafka reports `_TRANSPORT` or
/// `_ALL_BROKERS_DOWN`) the producer drops its client, keeps every undelivered message, and
/// once the broker answers again creates a new client and sends them again: an idempotent
/// client that outlives a broker restart is wedged for good (docs/KAFKA.md). Delivery is
/// at-least-once across such a switch.
///
/// The producer runs until ``shutdown()``, or, as a `Service`, until graceful shutdown.
public final class KafkaProducer: Sendable {
    struct Pending {
        let topic: String
        let key: [UInt8]?
        let value: [UInt8]
        var continuation: CheckedContinuation<KafkaDeliveryReport, any Error>?
    }

    enum Lifecycle {
        case running
        case stopping([CheckedContinuation<Void, Never>])
        case stopped
    }

    struct State {
        var client: RDKafkaClient?
        var nextID: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        var needsNewClient = false
        var lifecycle = Lifecycle.running
        var clientsCreated = 0
        /// Topics every new client is told about at once (``prepare(topics:)``).
        var preparedTopics: Set<String> = []
    }

    let configuration: KafkaProducerConfiguration
    let logger: Logger
    let state = Mutex(State())

    /// Creates the producer and starts its poll thread. It connects in the background.
    /// - Throws: ``KafkaError`` when librdkafka is too old or refuses the configuration.
    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let client = try makeClient()
        state.withLock {
            $0.client = client
            $0.clientsCreated = 1
        }
        DedicatedThread.start(name: "kafka-producer") { [self] in pollLoop() }
    }

    /// Sends one message and waits until the broker has stored it (on all in-sync replicas).
    ///
    /// While the broker is unreachable the message waits in the producer and goes out when it
    /// is back. Cancelling the calling task stops the wait, not the delivery.
    /// - Returns: the partition and offset the message was stored at.
    /// - Throws: ``KafkaError`` (`.deliveryFailed`, `.queueFull`, `.unknownTopic`, `.shutDown`),
    ///   or `CancellationError` when the calling task is cancelled.
    public func send(topic: String, key: [UInt8]? = nil, value: [UInt8]) async throws -> KafkaDeliveryReport {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let failure = enqueue(
                    id: id, Pending(topic: topic, key: key, value: value, continuation: continuation))
                if let failure { continuation.resume(throwing: failure) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<KafkaDeliveryReport, any Error>? in
                defer { state.pending[id]?.continuation = nil }
                return state.pending[id]?.continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Tells the producer, and every client it creates from now on, the topics it will write,
    /// so that the first message to each goes out at once instead of about a second later.
    ///
    /// librdkafka otherwise learns a topic only with the first message to it: the first
    /// revocation after a start-up took 370-550 ms to reach the resources, every later one 5 ms
    /// (issue 21, docs/SOAK.md). Does not block; call it once the topics exist.
    /// - Parameter topics: The topic names.
    public func prepare(topics: [String]) {
        let client = state.withLock { state in
            state.preparedTopics.formUnion(topics)
            return state.client
        }
        client?.prepareTopics(topics)
    }

    /// Whether the producer has a client that has not lost its broker.
    public var isConnected: Bool {
        state.withLock { $0.client != nil && !$0.needsNewClient }
    }

    /// Messages sent but not yet acknowledged by the broker.
    public var undeliveredCount: Int {
        state.withLock { $0.pending.count }
    }

    /// How many librdkafka clients this producer has created (1 + one per broker loss).
    public var clientsCreated: Int {
        state.withLock { $0.clientsCreated }
    }

    /// Delivers what is queued, waiting at most ``KafkaProducerConfiguration/flushTimeout``,
    /// fails what is left with ``KafkaError/Code/shutDown``, and stops the poll thread.
    /// Calling it again waits for the first call to finish.
    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                switch state.lifecycle {
                case .running:
                    state.lifecycle = .stopping([continuation])
                case .stopping(let waiters):
                    state.lifecycle = .stopping(waiters + [continuation])
                case .stopped:
                    return true
                }
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Stores the message as pending and hands it to the client, if there is one.
    private func enqueue(id: UInt64, _ message: Pending) -> KafkaError? {
        state.withLock { state -> KafkaError? in
            guard case .running = state.lifecycle else {
                return KafkaError(.shutDown, "the producer is shut down")
            }
            state.pending[id] = message
            guard let client = state.client else { return nil }
            let status = client.produce(topic: message.topic, key: message.key, value: message.value, id: id)
            switch status.kind {
            case .ok:
                return nil
            case .queueFull:
                state.pending[id] = nil
                return KafkaError(.queueFull, "librdkafka's queue is full: \(status)")
            case .unknownTopic:
                state.pending[id] = nil
                return KafkaError(.unknownTopic, "\(topic(message)): \(status)")
            default:
                state.pending[id] = nil
                return KafkaError(.deliveryFailed, "\(topic(message)): \(status)")
            }
        }
    }

    private func topic(_ message: Pending) -> String { "topic \(message.topic)" }

    func makeClient() throws -> RDKafkaClient {
        let callbacks = RDKafkaCallbacks(
            logger: logger,
            onError: { [weak self] status, reason in self?.clientError(status, reason) },
            onDelivery: { [weak self] report in self?.delivered(report) })
        return try RDKafkaClient(
            kind: .producer, properties: configuration.properties, callbacks: callbacks, deliveryReports: true)
    }
}

extension KafkaProducer: Service {
    /// Runs until graceful shutdown (or cancellation), then calls ``shutdown()``.
    /// - Throws: nothing; the signature is `Service`'s.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}
