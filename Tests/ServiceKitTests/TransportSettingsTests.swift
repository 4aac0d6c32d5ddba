import Foundation
import Kafka
import Redis
import ServiceKit
import Testing

@Suite("Kafka and Redis transport settings")
struct TransportSettingsTests {
    func settings(_ environment: [String: String]) throws -> Settings {
        try Settings([SharedSettings.redisURL] + TransportSettings.kafka + TransportSettings.redis, arguments: [], environment: environment)
    }

    func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "transport-settings-\(UInt64.random(in: .min ... .max))"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func kafkaPasswordComesFromAFileWithoutItsNewline() throws {
        let password = try file("scram-secret\n")
        defer { try? FileManager.default.removeItem(atPath: password) }
        let security = try settings([
            "KAFKA_SECURITY_PROTOCOL": "sasl_plaintext", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
            "KAFKA_SASL_USERNAME": "resource", "KAFKA_SASL_PASSWORD_FILE": password,
        ]).kafkaSecurity()
        #expect(security.securityProtocol == .saslPlaintext)
        #expect(security.saslMechanism == .scramSHA256)
        #expect(security.password == "scram-secret")
        #expect(!security.description.contains("scram-secret"))
    }

    @Test func kafkaMistakesAreClearMessagesWithoutTheSecret() throws {
        let cases: [([String: String], String)] = [
            (["KAFKA_SECURITY_PROTOCOL": "TLS"], "KAFKA_SECURITY_PROTOCOL"),
            (["KAFKA_SASL_MECHANISM": "GSSAPI"], "KAFKA_SASL_MECHANISM"),
            (["KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": "u"], "needs a SASL password"),
            (["KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CA_FILE": "/nonexistent/ca.crt"], "cannot read /nonexistent/ca.crt"),
            (["KAFKA_SASL_PASSWORD_FILE": "/nonexistent/password"], "KAFKA_SASL_PASSWORD_FILE"),
            (
                [
                    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "hunter2",
                    "KAFKA_SASL_PASSWORD_FILE": "/etc/hostname",
                ], "give only one"
            ),
        ]
        for (environment, expected) in cases {
            let error = #expect(throws: Settings.Invalid.self) { try settings(environment).kafkaSecurity() }
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error")")
            #expect(error?.description.contains("hunter2") != true)
        }
    }

    @Test func redisPasswordFileAndTLSFiles() throws {
        let password = try file("redis-secret\n")
        let ca = try file("not a certificate")
        defer {
            try? FileManager.default.removeItem(atPath: password)
            try? FileManager.default.removeItem(atPath: ca)
        }
        let plain = try settings(["REDIS_URL": "redis://resource@127.0.0.1:6379", "REDIS_PASSWORD_FILE": password])
            .redisConfiguration()
        #expect(plain.username == "resource")
        #expect(plain.password == "redis-secret")
        #expect(plain.tls == nil)

        let cases: [([String: String], String)] = [
            (["REDIS_URL": "redis://127.0.0.1", "REDIS_TLS_CA_FILE": ca], "not rediss://"),
            (["REDIS_URL": "redis://:inline@127.0.0.1", "REDIS_PASSWORD_FILE": password], "give only one"),
            (["REDIS_URL": "rediss://127.0.0.1", "REDIS_TLS_CA_FILE": "/nonexistent/ca.crt"], "cannot read"),
            // A file that is there but holds no certificate: hiredis's loader refuses it at start-up.
            (["REDIS_URL": "rediss://127.0.0.1", "REDIS_TLS_CA_FILE": ca], "TLS"),
            (["REDIS_URL": "rediss://127.0.0.1", "REDIS_TLS_CERT_FILE": ca], "key"),
        ]
        for (environment, expected) in cases {
            let error = #expect(throws: Settings.Invalid.self) { try settings(environment).redisConfiguration() }
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error")")
            #expect(error?.description.contains("redis-secret") != true)
            #expect(error?.description.contains("inline") != true)
        }
    }
}
