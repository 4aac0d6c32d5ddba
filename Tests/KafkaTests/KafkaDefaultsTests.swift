import Testing

@testable import Kafka

@Suite("Properties every client gets")
struct KafkaDefaultsTests {
    @Test("enable.metrics.push only where the loaded library knows it (2.5.0 on)")
    func metricsPushFollowsTheLibrary() {
        // Ubuntu noble's 2.3.0 and bookworm's 2.0.2 refuse the property as unknown.
        #expect(RDKafkaClient.defaults(libraryVersion: 0x0203_00ff).isEmpty)
        #expect(RDKafkaClient.defaults(libraryVersion: 0x0204_00ff).isEmpty)
        #expect(RDKafkaClient.defaults(libraryVersion: 0x0205_00ff) == ["enable.metrics.push": "false"])
        #expect(RDKafkaClient.defaults(libraryVersion: 0x0208_00ff) == ["enable.metrics.push": "false"])
    }
}
