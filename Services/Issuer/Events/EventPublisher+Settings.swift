import Kafka
import Logging

extension EventPublisher {
    /// The publisher of the issuer's two topics over a producer and an admin on the settings'
    /// brokers, with their security, as client `clientID` (the admin as `clientID-admin`).
    /// - Returns: the publisher and its producer; the caller runs both as services.
    /// - Throws: ``KafkaError`` when librdkafka refuses the configuration.
    static func make(
        settings: IssuerSettings, clientID: String, linger: Duration, logger: Logger
    ) throws -> (publisher: EventPublisher, producer: KafkaProducer) {
        var producerConfiguration = KafkaProducerConfiguration(connection: settings.kafka.named(clientID))
        producerConfiguration.messageTimeout = .seconds(10)
        producerConfiguration.linger = linger
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        var adminConfiguration = KafkaAdminConfiguration(connection: settings.kafka.named("\(clientID)-admin"))
        adminConfiguration.operationTimeout = .seconds(5)
        let publisher = EventPublisher(
            producer: producer, admin: KafkaAdmin(configuration: adminConfiguration, logger: logger),
            topics: [settings.keysTopic, settings.revocationsTopic], logger: logger)
        return (publisher, producer)
    }
}
