import AuthEvents
import Foundation
import Kafka
import KeyDistribution
import Logging
import TokenKit

/// Publishes entries on the revocation topic (message key = the jti, value = the event JSON, as
/// the issuer does) in large batches: the dev broker's fetches slow down with the number of
/// batches in a partition (docs/KAFKA.md), and a real issuer under a revocation storm would
/// batch too.
struct KafkaSeeder {
    /// The brokers, with the security the services read from the same variables
    /// (`KAFKA_SECURITY_PROTOCOL`, …).
    let connection: KafkaConnection
    let topic: String
    let keysTopic: String
    /// Signs every message as the issuer does; nil leaves them unsigned (consumers refuse them).
    let eventKey: EventSigningKey?
    let linger: Duration
    let window: Int
    let logger: Logger

    /// Creates the revocation topic, and the key topic when `keys`; existing ones are kept.
    /// - Throws: `KafkaError`.
    func createTopics(keys: Bool) async throws {
        let admin = KafkaAdmin(configuration: KafkaAdminConfiguration(connection: connection), logger: logger)
        try await admin.createTopics([KafkaTopicSpec(name: topic)] + (keys ? [KafkaTopicSpec(name: keysTopic)] : []))
    }

    /// Announces one new ES256 key, current from now, on the key topic.
    /// - Returns: its `kid`.
    /// - Throws: `KafkaError`, `TokenError`.
    func announceKey(issuer: String) async throws -> String {
        let key = try SigningKey.generate(.es256)
        let now = Date().timeIntervalSince1970
        let event = KeyEvent(
            key: key.verificationKey, timeline: KeyTimeline(kid: key.kid, publishedAt: now, activatesAt: now), issuer: issuer,
            announcedAt: now, validUntil: now + 86_400)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: logger)
        do {
            _ = try await producer.send(topic: keysTopic, key: Array(key.kid.utf8), value: signed(event.encoded))
        } catch {
            await producer.shutdown()
            throw error
        }
        await producer.shutdown()
        return key.kid
    }

    private func signed(_ event: [UInt8]) -> [UInt8] {
        eventKey.map { SignedEvent.sign(event, with: $0) } ?? event
    }

    /// Publishes every batch, at most `window` messages awaiting their delivery report at once;
    /// returns when all are stored, with how long it took.
    /// - Throws: `KafkaError` for the first message that could not be delivered.
    func publish(_ batches: SeedBatches) async throws -> Duration {
        var configuration = KafkaProducerConfiguration(connection: connection)
        configuration.linger = linger
        configuration.messageTimeout = .seconds(120)
        configuration.flushTimeout = .seconds(60)
        configuration.connection.additionalProperties = [
            // librdkafka's defaults (10,000 messages, 1 MB per batch) already make a batch of a
            // few thousand revocations; the queue must hold the whole window.
            "queue.buffering.max.messages": "\(max(window, 1000) * 2)",
            "queue.buffering.max.kbytes": "2097151",
        ]
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let started = ContinuousClock.now
        do {
            // One window at a time: all of it in flight, then wait for its delivery reports.
            try await batches.forEach(batchSize: window) { entries in
                try await withThrowingDiscardingTaskGroup { group in
                    for entry in entries {
                        let (key, value) = (Array(entry.id.utf8), signed(entry.event))
                        group.addTask { _ = try await producer.send(topic: topic, key: key, value: value) }
                    }
                }
            }
        } catch {
            await producer.shutdown()
            throw error
        }
        let elapsed = ContinuousClock.now - started
        await producer.shutdown()
        return elapsed
    }
}
