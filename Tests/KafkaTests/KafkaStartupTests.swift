import Kafka
import Testing

/// How fast a consumer is positioned: a resource instance is not ready before its revocation
/// stream is, so every start-up waits for this.
@Suite("Kafka consumer start-up against the real dev broker", .timeLimit(.minutes(1)))
struct KafkaStartupTests {
    /// Two librdkafka waits used to come first: an assignment made before the client knew the
    /// partition's leader waited for librdkafka's fixed 500 ms retry, and the metadata probe's
    /// client, when destroyed, could wait a second for its telemetry exchange to end. The best of
    /// three starts stays well under the first of them, even on a loaded machine.
    @Test("a new consumer knows its start offsets within a fraction of a second")
    func positionedPromptly() async throws {
        let servers = try TestBroker.servers()
        try await withTestTopic(servers: servers) { topic in
            let producer = try TestBroker.producer(servers)
            for index in 0..<3 { _ = try await producer.send(topic: topic, value: "old\(index)".bytes) }
            var fastest = Duration.seconds(60)
            for _ in 0..<3 {
                let clock = ContinuousClock()
                let started = clock.now
                let consumer = try TestBroker.consumer(servers, topic: topic, start: .end)
                #expect(try await consumer.positions() == [0: 3])
                fastest = min(fastest, clock.now - started)
                await consumer.shutdown()
            }
            #expect(fastest < .milliseconds(400), "fastest start \(fastest)")
            await producer.shutdown()
        }
    }
}
