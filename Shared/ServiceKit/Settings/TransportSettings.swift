import Foundation
import Kafka
import Redis

/// The settings of every client of Kafka and Redis: TLS, SASL and passwords, with one name each
/// for every service and tool. Secrets come from a variable or a file (`…_FILE`), never from a
/// default, and never appear in a log or an error message.
public enum TransportSettings {
    /// `--kafka-security-protocol` / `KAFKA_SECURITY_PROTOCOL`.
    public static let kafkaSecurityProtocol = Setting(
        "kafka-security-protocol", env: "KAFKA_SECURITY_PROTOCOL", default: "PLAINTEXT",
        help: "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.")
    /// `--kafka-sasl-mechanism` / `KAFKA_SASL_MECHANISM`.
    public static let kafkaSASLMechanism = Setting(
        "kafka-sasl-mechanism", env: "KAFKA_SASL_MECHANISM", default: "SCRAM-SHA-512",
        help: "SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN (PLAIN only with SASL_SSL).")
    /// `--kafka-sasl-username` / `KAFKA_SASL_USERNAME`.
    public static let kafkaSASLUsername = Setting(
        "kafka-sasl-username", env: "KAFKA_SASL_USERNAME", default: "", help: "SASL user name.")
    /// `--kafka-sasl-password` / `KAFKA_SASL_PASSWORD`.
    public static let kafkaSASLPassword = Setting(
        "kafka-sasl-password", env: "KAFKA_SASL_PASSWORD", default: "",
        help: "SASL password (prefer KAFKA_SASL_PASSWORD_FILE).", secret: true)
    /// `--kafka-sasl-password-file` / `KAFKA_SASL_PASSWORD_FILE`.
    public static let kafkaSASLPasswordFile = Setting(
        "kafka-sasl-password-file", env: "KAFKA_SASL_PASSWORD_FILE", default: "",
        help: "File holding the SASL password (one line).")
    /// `--kafka-ssl-ca-file` / `KAFKA_SSL_CA_FILE`.
    public static let kafkaCAFile = Setting(
        "kafka-ssl-ca-file", env: "KAFKA_SSL_CA_FILE", default: "",
        help: "PEM CA of the brokers' certificates (empty: the system's store).")
    /// `--kafka-ssl-cert-file` / `KAFKA_SSL_CERT_FILE`.
    public static let kafkaCertificateFile = Setting(
        "kafka-ssl-cert-file", env: "KAFKA_SSL_CERT_FILE", default: "", help: "PEM client certificate for the brokers.")
    /// `--kafka-ssl-key-file` / `KAFKA_SSL_KEY_FILE`.
    public static let kafkaKeyFile = Setting(
        "kafka-ssl-key-file", env: "KAFKA_SSL_KEY_FILE", default: "", help: "PEM key of that client certificate.")

    /// `--redis-password-file` / `REDIS_PASSWORD_FILE`.
    public static let redisPasswordFile = Setting(
        "redis-password-file", env: "REDIS_PASSWORD_FILE", default: "",
        help: "File holding the Redis password (one line), instead of one in REDIS_URL.")
    /// `--redis-tls-ca-file` / `REDIS_TLS_CA_FILE`.
    public static let redisCAFile = Setting(
        "redis-tls-ca-file", env: "REDIS_TLS_CA_FILE", default: "",
        help: "PEM CA of the Redis server's certificate, for a rediss:// URL (empty: the system's store).")
    /// `--redis-tls-cert-file` / `REDIS_TLS_CERT_FILE`.
    public static let redisCertificateFile = Setting(
        "redis-tls-cert-file", env: "REDIS_TLS_CERT_FILE", default: "", help: "PEM client certificate for Redis.")
    /// `--redis-tls-key-file` / `REDIS_TLS_KEY_FILE`.
    public static let redisKeyFile = Setting(
        "redis-tls-key-file", env: "REDIS_TLS_KEY_FILE", default: "", help: "PEM key of that client certificate.")

    /// Every Kafka security setting, for a service's declared list.
    public static let kafka: [Setting] = [
        kafkaSecurityProtocol, kafkaSASLMechanism, kafkaSASLUsername, kafkaSASLPassword, kafkaSASLPasswordFile,
        kafkaCAFile, kafkaCertificateFile, kafkaKeyFile,
    ]
    /// Every Redis transport setting (besides `REDIS_URL`), for a service's declared list.
    public static let redis: [Setting] = [redisPasswordFile, redisCAFile, redisCertificateFile, redisKeyFile]
}

extension Settings {
    /// Kafka's TLS and SASL settings, checked (``KafkaSecurity/init(environment:)``, fed with
    /// the flags and variables of ``TransportSettings/kafka``).
    /// - Throws: ``Settings/Invalid`` naming the setting to fix.
    public func kafkaSecurity() throws -> KafkaSecurity {
        var values: [String: String] = [:]
        for setting in TransportSettings.kafka { values[setting.environment] = optionalString(setting) }
        do {
            return try KafkaSecurity(environment: values)
        } catch let error as KafkaError {
            throw Invalid(error.reason)
        }
    }

    /// The brokers of `KAFKA_BROKERS` with Kafka's TLS and SASL settings, under `clientID`.
    /// - Throws: ``Settings/Invalid`` for an empty broker list or a security setting to fix.
    public func kafkaConnection(clientID: String) throws -> KafkaConnection {
        let brokers = list(SharedSettings.kafkaBrokers)
        guard !brokers.isEmpty else { throw Invalid("--kafka-brokers (KAFKA_BROKERS) must name at least one broker") }
        return KafkaConnection(bootstrapServers: brokers, clientID: clientID, security: try kafkaSecurity())
    }

    /// The Redis configuration from `REDIS_URL` and the transport settings, checked; a TLS file
    /// that cannot be loaded stops the service here.
    /// - Throws: ``Settings/Invalid`` naming the setting to fix.
    public func redisConfiguration() throws -> RedisConfiguration {
        typealias T = TransportSettings
        var configuration: RedisConfiguration
        do {
            configuration = try RedisConfiguration(url: string(SharedSettings.redisURL))
        } catch let error as RedisError {
            throw Invalid("--redis-url (REDIS_URL): \(error.reason)")
        }
        if let password = try secret(nil, file: T.redisPasswordFile) {
            guard configuration.password == nil else {
                throw Invalid("--redis-password-file (REDIS_PASSWORD_FILE) and a password in REDIS_URL: give only one")
            }
            configuration.password = password
        }
        let caFile = try readableFile(T.redisCAFile)
        let certificateFile = try readableFile(T.redisCertificateFile)
        let keyFile = try readableFile(T.redisKeyFile)
        if caFile != nil || certificateFile != nil || keyFile != nil {
            guard configuration.tls != nil else {
                throw Invalid("REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE or REDIS_TLS_KEY_FILE is given but REDIS_URL is not rediss://")
            }
            configuration.tls = RedisTLSConfiguration(caFile: caFile, certificateFile: certificateFile, keyFile: keyFile)
        }
        do {
            try configuration.validate()
            _ = try configuration.tls.map { try HiredisTLS($0, host: configuration.host) }
        } catch let error as RedisError {
            throw Invalid("Redis (REDIS_URL, REDIS_TLS_*): \(error.reason)")
        }
        return configuration
    }

    /// A secret from its variable or its file (first line, trailing newline dropped); both
    /// given is an error, so that nobody wonders which one is used.
    private func secret(_ setting: Setting?, file fileSetting: Setting) throws -> String? {
        let inline = setting.flatMap { optionalString($0) }
        guard let path = optionalString(fileSetting) else { return inline }
        let name = "--\(fileSetting.flag) (\(fileSetting.environment))"
        if let setting, inline != nil {
            throw Invalid("\(name) and --\(setting.flag) (\(setting.environment)) are both given: give only one")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw Invalid("\(name): cannot read \(path)") }
        let text = String(decoding: data, as: UTF8.self)
        let value = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let trimmed = value.hasSuffix("\r") ? String(value.dropLast()) : value
        guard !trimmed.isEmpty else { throw Invalid("\(name): \(path) is empty") }
        return trimmed
    }

    /// The path of a file setting, checked to be readable now rather than at first use.
    private func readableFile(_ setting: Setting) throws -> String? {
        guard let path = optionalString(setting) else { return nil }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw Invalid("--\(setting.flag) (\(setting.environment)): cannot read \(path)")
        }
        return path
    }
}
