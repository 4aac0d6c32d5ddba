import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Something the issuer's events can be sent to. The Kafka one is ``EventPublisher``; tests
/// wrap it to watch what was delivered.
protocol EventPublishing: Sendable {
    /// Queues one message and waits at most `wait` for the broker to store it.
    /// - Returns: whether it was stored within `wait`; when not, it stays queued and is
    ///   delivered when the broker is back.
    @discardableResult
    func publish(topic: String, key: String, value: [UInt8], wait: Duration) async -> Bool
}

/// Sends the issuer's key and revocation events to Kafka, as a `Service`.
///
/// `run()` first creates both topics (idempotent; retried until the broker answers), then sends
/// what callers queued. Callers never wait longer than they ask: with the broker down a login,
/// refresh or logout still answers, and its events go out when the broker is back — the
/// producer keeps undelivered messages and recreates its client after a broker loss.
final class EventPublisher: EventPublishing, Service {
    private struct Outgoing: Sendable {
        let topic: String
        let key: [UInt8]
        let value: [UInt8]
        /// Answers the publishing caller: `true` when the broker stored the message.
        let answer: Once<Bool>
    }

    private let producer: KafkaProducer
    private let admin: KafkaAdmin
    private let topics: [String]
    private let logger: Logger
    private let queue: AsyncStream<Outgoing>
    private let enqueue: AsyncStream<Outgoing>.Continuation
    private let ready = Mutex(false)

    /// Creates the publisher over a producer (which the caller also runs as a service).
    init(producer: KafkaProducer, admin: KafkaAdmin, topics: [String], logger: Logger) {
        self.producer = producer
        self.admin = admin
        self.topics = topics
        self.logger = logger
        (queue, enqueue) = AsyncStream.makeStream(of: Outgoing.self)
    }

    /// Whether the topics exist and the producer has a live broker connection.
    var isHealthy: Bool { ready.withLock { $0 } && producer.isConnected }

    /// Messages not yet stored by the broker.
    var undeliveredCount: Int { producer.undeliveredCount }

    /// Answers callers whose wait ran out (a continuation and a shared watch: a stream, a task
    /// group and a timer per message cost a few percent of a logout's CPU).
    private let waits = DeadlineWatch(tick: .milliseconds(20))

    func publish(topic: String, key: String, value: [UInt8], wait: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            let answer = Once(continuation)
            enqueue.yield(Outgoing(topic: topic, key: Array(key.utf8), value: value, answer: answer))
            waits.watch(until: .now + wait) { answer.finish(false) }
        }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await createTopics()
            await withDiscardingTaskGroup { group in
                group.addTask { await self.recreateTopicsAfterBrokerLoss() }
                for await message in queue {
                    group.addTask { await self.send(message) }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.enqueue.finish()
        }
    }

    /// A broker that restarted empty lost the topics; the producer notices and recreates its
    /// client, but a consumer waits for a topic nobody writes to until its first event (no
    /// revocation may happen for hours). So whenever the producer has a new client, create the
    /// topics again (idempotent).
    private func recreateTopicsAfterBrokerLoss() async {
        var clients = producer.clientsCreated
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(500))
            let current = producer.clientsCreated
            guard current != clients else { continue }
            clients = current
            logger.info("kafka producer has a new client; creating the topics again")
            await createTopics()
        }
    }

    private func createTopics() async {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await admin.createTopics(topics.map { KafkaTopicSpec(name: $0) })
                // Now, not with the first revocation, which otherwise waited about a second.
                producer.prepare(topics: topics)
                ready.withLock { $0 = true }
                logger.info("kafka topics ready", metadata: ["topics": "\(topics.joined(separator: ","))"])
                return
            } catch {
                logger.warning("kafka topics not created yet; retrying", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { [delay] in try await Task.sleep(for: delay) }
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Sends one message, retrying failures other than shutdown; the topics are created again
    /// before each retry, in case the broker restarted empty.
    private func send(_ message: Outgoing) async {
        var delay = Duration.milliseconds(100)
        while true {
            do {
                _ = try await producer.send(topic: message.topic, key: message.key, value: message.value)
                message.answer.finish(true)
                return
            } catch let error as KafkaError where error.code == .shutDown {
                logger.error("event not delivered before shutdown", metadata: ["topic": "\(message.topic)"])
                message.answer.finish(false)
                return
            } catch let error as KafkaError {
                logger.warning("event delivery failed; retrying", metadata: ["topic": "\(message.topic)", "error": "\(error.code)"])
                // A broker that restarted empty has lost the topics: create them again (idempotent).
                try? await admin.createTopics(topics.map { KafkaTopicSpec(name: $0) })
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            } catch {
                message.answer.finish(false)
                return
            }
        }
    }
}
