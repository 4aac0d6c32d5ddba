import Testing

@testable import Kafka

@Suite("Kafka security settings")
struct KafkaSecurityConfigurationTests {
    @Test("SASL_SSL maps to librdkafka's properties, and the password is never described")
    func properties() throws {
        let security = KafkaSecurity(
            securityProtocol: .saslSSL, saslMechanism: .scramSHA256, username: "issuer", password: "pw-123",
            caFile: "/run/ca.crt")
        try security.validate()
        #expect(
            security.properties == [
                "security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "issuer",
                "sasl.password": "pw-123", "ssl.ca.location": "/run/ca.crt",
                "ssl.endpoint.identification.algorithm": "https",
            ])
        #expect(!security.description.contains("pw-123"))
        var producer = KafkaProducerConfiguration()
        producer.connection.security = security
        #expect(producer.properties["sasl.username"] == "issuer")
        #expect(producer.properties["enable.idempotence"] == "true")
        #expect(KafkaConsumerConfiguration().properties["security.protocol"] == "plaintext")
    }

    @Test("settings that do not fit together stop the client with a clear reason")
    func invalidCombinations() {
        let cases: [(KafkaSecurity, String)] = [
            (KafkaSecurity(securityProtocol: .saslSSL, username: "u"), "needs a SASL password"),
            (KafkaSecurity(securityProtocol: .saslPlaintext, password: "p"), "needs a SASL username"),
            (KafkaSecurity(securityProtocol: .saslPlaintext, saslMechanism: .plain, username: "u", password: "p"), "SASL_SSL"),
            (KafkaSecurity(securityProtocol: .ssl, username: "u", password: "p"), "does not use SASL"),
            (KafkaSecurity(securityProtocol: .plaintext, caFile: "/ca"), "does not use TLS"),
            (KafkaSecurity(securityProtocol: .ssl, certificateFile: "/c"), "needs its key"),
        ]
        for (security, reason) in cases {
            let error = #expect(throws: KafkaError.self) { try security.validate() }
            #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains("\"p\"") != true)
        }
    }
}
