import Foundation
import Kafka
import Logging
import Synchronization
import TestSupport
import Testing

/// The broker that `infra/dev/test-env` started. Tests fail, not skip, without it.
enum TestBroker {
    static func servers() throws -> [String] { try TestEnvironment.kafkaBrokers() }

    static var logger: Logger {
        var logger = Logger(label: "kafka-tests")
        logger.logLevel = .error
        return logger
    }

    static func admin(_ servers: [String]) -> KafkaAdmin {
        KafkaAdmin(configuration: KafkaAdminConfiguration(bootstrapServers: servers), logger: logger)
    }

    static func producer(_ servers: [String]) throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: servers), logger: logger)
    }

    static func consumer(_ servers: [String], topic: String, start: KafkaStartPosition) throws -> KafkaBroadcastConsumer {
        try KafkaBroadcastConsumer(
            topic: topic, start: start, configuration: KafkaConsumerConfiguration(bootstrapServers: servers),
            logger: logger)
    }
}

/// Creates a topic with a unique name for the body and deletes it afterwards. Clients on it
/// must be shut down inside the body.
func withTestTopic<T>(
    servers: [String], partitions: Int = 1, _ body: (String) async throws -> T
) async throws -> T {
    let name = "test-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    let admin = TestBroker.admin(servers)
    try await admin.createTopics([KafkaTopicSpec(name: name, partitions: partitions)])
    do {
        let result = try await body(name)
        try? await admin.deleteTopics([name])
        return result
    } catch {
        try? await admin.deleteTopics([name])
        throw error
    }
}

/// Reads a consumer's events in the background so that a test can wait for what it expects.
final class EventRecorder: Sendable {
    private let box = RecorderBox()
    private let task: Task<Void, Never>

    init(_ consumer: KafkaBroadcastConsumer) {
        let (events, box) = (consumer.events, box)
        task = Task {
            for await event in events { box.append(event) }
        }
    }

    var events: [KafkaConsumerEvent] { box.all }

    var messages: [KafkaMessage] {
        events.compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    /// Waits until `condition` holds for the events so far.
    /// - Throws: `TestSetupError` after `timeout`.
    func wait(
        for what: String, timeout: Duration = .seconds(15), _ condition: ([KafkaConsumerEvent]) -> Bool
    ) async throws {
        try await waitUntil(what, timeout: timeout, every: .milliseconds(5)) { condition(events) }
    }

    /// Waits for `count` messages in total.
    func waitForMessages(_ count: Int, timeout: Duration = .seconds(15)) async throws -> [KafkaMessage] {
        try await wait(for: "\(count) messages", timeout: timeout) { events in
            events.count { if case .message = $0 { true } else { false } } >= count
        }
        return messages
    }

    deinit { task.cancel() }
}

final class RecorderBox: Sendable {
    private let storage = Mutex<[KafkaConsumerEvent]>([])
    func append(_ event: KafkaConsumerEvent) { storage.withLock { $0.append(event) } }
    var all: [KafkaConsumerEvent] { storage.withLock { $0 } }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}

extension KafkaMessage {
    var text: String { String(decoding: value, as: UTF8.self) }
}
