import Glibc
import Kafka
import TestSupport
import Testing

@Suite("Kafka across a restart of a private broker", .timeLimit(.minutes(1)))
struct KafkaBrokerRestartTests {
    @Test("after the broker restarts empty, the consumer reports lost offsets and the producer delivers again")
    func brokerRestart() async throws {
        _ = try TestBroker.servers()
        let broker = try await PrivateBroker.start()
        let topic = "restart-test"
        let admin = TestBroker.admin(broker.servers)
        try await admin.createTopics([KafkaTopicSpec(name: topic)])

        let producer = try TestBroker.producer(broker.servers)
        let consumer = try TestBroker.consumer(broker.servers, topic: topic, start: .beginning)
        let recorder = EventRecorder(consumer)
        for index in 0..<3 { _ = try await producer.send(topic: topic, value: "before\(index)".bytes) }
        _ = try await recorder.waitForMessages(3)

        try await broker.restart()
        // As the issuer does: re-create the topic on the empty broker.
        try await admin.createTopics([KafkaTopicSpec(name: topic)])
        let first = try await producer.send(topic: topic, value: "after0".bytes)
        let second = try await producer.send(topic: topic, value: "after1".bytes)
        #expect(first.offset == 0)
        #expect(second.offset == 1)
        #expect(producer.clientsCreated >= 2)

        try await recorder.wait(for: "offsetsLost and the new messages") { events in
            events.contains(.offsetsLost(partition: 0, expected: 3, actual: nil))
                || events.contains { if case .offsetsLost(0, 3, _) = $0 { true } else { false } }
        }
        let messages = try await recorder.waitForMessages(5)
        #expect(messages.map(\.text) == ["before0", "before1", "before2", "after0", "after1"])
        #expect(messages.suffix(2).map(\.offset) == [0, 1])
        #expect(recorder.events.contains(.brokerLost))
        #expect(recorder.events.contains(.reconnected))
        #expect(consumer.clientsCreated >= 2)

        await consumer.shutdown()
        await producer.shutdown()
        try await broker.stop()
    }

    @Test("after a broker stall longer than the message timeout the producer delivers again")
    func brokerStalled() async throws {
        // Issue 21: a starved broker left a produce request unanswered for 10 s. librdkafka then
        // bumps the idempotent producer's epoch and the dev broker fences that client
        // (PRODUCER_FENCED): later messages must wait for a new client instead of failing.
        _ = try TestBroker.servers()
        let broker = try await PrivateBroker.start()
        let topic = "stall-test"
        try await TestBroker.admin(broker.servers).createTopics([KafkaTopicSpec(name: topic)])
        var configuration = KafkaProducerConfiguration(bootstrapServers: broker.servers)
        configuration.messageTimeout = .seconds(2)
        let producer = try KafkaProducer(configuration: configuration, logger: TestBroker.logger)
        _ = try await producer.send(topic: topic, value: "before".bytes)

        try broker.signal(SIGSTOP)
        // Delivered or timed out (message.timeout.ms), depending on when librdkafka gives up.
        async let stalled = try? producer.send(topic: topic, value: "stalled".bytes)
        try await Task.sleep(for: .seconds(3))
        try broker.signal(SIGCONT)
        _ = await stalled
        let after = try await producer.send(topic: topic, value: "after".bytes)
        #expect(after.offset >= 1)

        await producer.shutdown()
        try await broker.stop()
    }

    @Test("messages sent while the broker is down are delivered when it is back")
    func sendWhileDown() async throws {
        _ = try TestBroker.servers()
        let broker = try await PrivateBroker.start()
        let topic = "down-test"
        let admin = TestBroker.admin(broker.servers)
        try await admin.createTopics([KafkaTopicSpec(name: topic)])
        let producer = try TestBroker.producer(broker.servers)
        _ = try await producer.send(topic: topic, value: "first".bytes)

        try await broker.stop()
        try await waitUntil("the producer to notice") { !producer.isConnected }
        async let late = producer.send(topic: topic, value: "while-down".bytes)
        try await Task.sleep(for: .milliseconds(300))
        try await broker.start()
        try await admin.createTopics([KafkaTopicSpec(name: topic)])
        let report = try await late
        #expect(report.offset == 0)
        await producer.shutdown()
        try await broker.stop()
    }
}
