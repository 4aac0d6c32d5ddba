import Kafka
import Testing

@Suite("The linked librdkafka")
struct KafkaLibraryTests {
    @Test("is the one infra/dev/bootstrap built, not Debian's 2.0.2")
    func linkedVersion() throws {
        try KafkaLibrary.checkVersion()
        let parts = KafkaLibrary.version.split(separator: ".").compactMap { Int($0) }
        #expect(parts.count >= 2)
        #expect(parts.lexicographicallyPrecedes([2, 2]) == false, "librdkafka \(KafkaLibrary.version) < 2.2.0")
    }

    @Test("refuses a configuration it does not know, with a typed error")
    func invalidConfiguration() {
        var configuration = KafkaProducerConfiguration()
        configuration.connection.additionalProperties = ["no.such.property": "1"]
        #expect {
            _ = try KafkaProducer(configuration: configuration, logger: TestBroker.logger)
        } throws: { error in
            (error as? KafkaError)?.code == .invalidConfiguration
        }
    }
}
