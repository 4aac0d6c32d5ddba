import Foundation
import Logging

/// The poll thread: serves delivery reports, replaces the client after a broker loss, and
/// flushes on shutdown. Everything here runs on that one thread, except that the callbacks
/// only touch `state` under its lock.
extension KafkaProducer {
    private enum Step {
        case poll(RDKafkaClient)
        case replaceClient
        case shutDown
    }

    func pollLoop() {
        while true {
            let step = state.withLock { state -> Step in
                if case .stopping = state.lifecycle { return .shutDown }
                if state.needsNewClient { return .replaceClient }
                guard let client = state.client else { return .replaceClient }
                return .poll(client)
            }
            switch step {
            case .poll(let client):
                client.poll(timeoutMilliseconds: 50)
            case .replaceClient:
                replaceClient()
            case .shutDown:
                finish()
                return
            }
        }
    }

    /// Called by librdkafka (on this thread, inside `poll`).
    func clientError(_ status: RDKafkaStatus, _ reason: String) {
        if status.meansBrokerLost || status.kind == .producerFenced {
            logger.warning(
                "Kafka producer lost its broker; the client will be recreated", metadata: ["error": "\(status)", "reason": "\(reason)"])
            state.withLock { $0.needsNewClient = true }
        } else {
            logger.warning("Kafka producer error", metadata: ["error": "\(status)", "reason": "\(reason)"])
        }
    }

    /// Called by librdkafka (on this thread, inside `poll` or `flush`) for every message.
    func delivered(_ report: RDKafkaDelivery) {
        let completion = state.withLock {
            state -> (CheckedContinuation<KafkaDeliveryReport, any Error>, Result<KafkaDeliveryReport, any Error>)? in
            let stopping: Bool
            if case .running = state.lifecycle { stopping = false } else { stopping = true }
            switch report.status.kind {
            case .purged where !stopping:
                return nil  // stays pending: the next client sends it again
            case .producerFenced:
                state.needsNewClient = true
                return nil
            default:
                break
            }
            guard let message = state.pending.removeValue(forKey: report.id) else { return nil }
            guard let continuation = message.continuation else { return nil }
            switch report.status.kind {
            case .ok:
                return (
                    continuation,
                    .success(KafkaDeliveryReport(topic: message.topic, partition: report.partition, offset: report.offset))
                )
            case .purged:
                return (continuation, .failure(KafkaError(.shutDown, "the producer shut down before delivery")))
            case .unknownTopic:
                return (continuation, .failure(KafkaError(.unknownTopic, "topic \(message.topic): \(report.status)")))
            default:
                return (continuation, .failure(KafkaError(.deliveryFailed, "topic \(message.topic): \(report.status)")))
            }
        }
        if let (continuation, result) = completion { continuation.resume(with: result) }
    }

    /// Drops the current client (keeping its messages pending), waits until a broker answers,
    /// creates a new client and sends every pending message again, oldest first.
    private func replaceClient() {
        let old = state.withLock { state -> RDKafkaClient? in
            defer {
                state.client = nil
                state.needsNewClient = false
            }
            return state.client
        }
        if let old {
            old.purgeAll()
            old.poll(timeoutMilliseconds: 0)  // serves the purge reports: they stay pending
        }
        // `old` is destroyed here, before a new client exists.
        var announced = false
        while true {
            if case .stopping = state.withLock({ $0.lifecycle }) { return }
            if brokerAnswers() { break }
            if !announced {
                logger.warning("Kafka broker unreachable; producer retries", metadata: ["every": "\(configuration.reconnectInterval)"])
                announced = true
            }
            Thread.sleep(forTimeInterval: configuration.reconnectInterval.seconds)
        }
        let client: RDKafkaClient
        do {
            client = try makeClient()
        } catch {
            logger.error("Kafka producer could not recreate its client", metadata: ["error": "\(error)"])
            Thread.sleep(forTimeInterval: configuration.reconnectInterval.seconds)
            return
        }
        let failures = state.withLock { state in
            client.prepareTopics(Array(state.preparedTopics))
            state.client = client
            state.clientsCreated += 1
            var failures: [(CheckedContinuation<KafkaDeliveryReport, any Error>, KafkaError)] = []
            for id in state.pending.keys.sorted() {
                guard let message = state.pending[id] else { continue }
                let status = client.produce(topic: message.topic, key: message.key, value: message.value, id: id)
                guard status.kind != .ok else { continue }
                state.pending[id] = nil
                if let continuation = message.continuation {
                    failures.append((continuation, KafkaError(.deliveryFailed, "topic \(message.topic): \(status)")))
                }
            }
            return failures
        }
        for (continuation, error) in failures { continuation.resume(throwing: error) }
        logger.info("Kafka producer recreated its client", metadata: ["resent": "\(undeliveredCount)"])
    }

    private func brokerAnswers() -> Bool {
        var quiet = logger
        quiet.logLevel = .critical  // a probe that cannot connect is expected here
        return
            (try? RDKafkaMetadata.topics(
                properties: configuration.connection.properties, timeoutMilliseconds: 500, logger: quiet)) != nil
    }

    private func finish() {
        if let client = state.withLock({ $0.client }) {
            let status = client.flush(timeoutMilliseconds: configuration.flushTimeout.wholeMilliseconds)
            if status.kind != .ok {
                logger.warning("Kafka producer flush incomplete at shutdown", metadata: ["error": "\(status)"])
            }
            client.purgeAll()
            client.poll(timeoutMilliseconds: 0)
        }
        let (waiters, leftovers) = state.withLock { state in
            state.client = nil
            let leftovers = state.pending.values.compactMap(\.continuation)
            state.pending = [:]
            var waiters: [CheckedContinuation<Void, Never>] = []
            if case .stopping(let list) = state.lifecycle { waiters = list }
            state.lifecycle = .stopped
            return (waiters, leftovers)
        }
        for continuation in leftovers {
            continuation.resume(throwing: KafkaError(.shutDown, "the producer shut down before delivery"))
        }
        for waiter in waiters { waiter.resume() }
    }
}

extension Duration {
    /// The duration in seconds, for `Thread.sleep`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
