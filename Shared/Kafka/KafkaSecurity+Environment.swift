import Foundation

extension KafkaSecurity {
    /// The names every service and tool reads Kafka's security settings from (as environment
    /// variables; the services also take them as `--flags`).
    public enum Variable {
        /// `PLAINTEXT` (default), `SSL`, `SASL_PLAINTEXT` or `SASL_SSL`.
        public static let securityProtocol = "KAFKA_SECURITY_PROTOCOL"
        /// `SCRAM-SHA-512` (default), `SCRAM-SHA-256` or `PLAIN`.
        public static let saslMechanism = "KAFKA_SASL_MECHANISM"
        /// The SASL user name.
        public static let username = "KAFKA_SASL_USERNAME"
        /// The SASL password itself (prefer ``passwordFile``).
        public static let password = "KAFKA_SASL_PASSWORD"
        /// A file whose first line is the SASL password.
        public static let passwordFile = "KAFKA_SASL_PASSWORD_FILE"
        /// PEM CA of the brokers' certificates.
        public static let caFile = "KAFKA_SSL_CA_FILE"
        /// PEM client certificate.
        public static let certificateFile = "KAFKA_SSL_CERT_FILE"
        /// PEM key of the client certificate.
        public static let keyFile = "KAFKA_SSL_KEY_FILE"
    }

    /// The settings from environment variables (``Variable``), checked: files readable, the
    /// password from its variable or its file (not both), the combination valid.
    /// - Parameter environment: Variable name to value; empty values count as unset.
    /// - Throws: ``KafkaError`` `invalidConfiguration` naming the variable; never the password.
    public init(environment: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        func invalid(_ reason: String) -> KafkaError { KafkaError(.invalidConfiguration, reason) }
        func readable(_ name: String) throws -> String? {
            guard let path = value(name) else { return nil }
            guard FileManager.default.isReadableFile(atPath: path) else { throw invalid("\(name): cannot read \(path)") }
            return path
        }
        let protocolName = (value(Variable.securityProtocol) ?? "PLAINTEXT").uppercased()
        guard let securityProtocol = SecurityProtocol(rawValue: protocolName) else {
            throw invalid("\(Variable.securityProtocol) must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
        }
        let mechanismName = (value(Variable.saslMechanism) ?? "SCRAM-SHA-512").uppercased()
        guard let mechanism = SASLMechanism(rawValue: mechanismName) else {
            throw invalid("\(Variable.saslMechanism) must be SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN")
        }
        var password = value(Variable.password)
        if let path = value(Variable.passwordFile) {
            guard password == nil else {
                throw invalid("\(Variable.passwordFile) and \(Variable.password) are both given: give only one")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw invalid("\(Variable.passwordFile): cannot read \(path)")
            }
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            guard !trimmed.isEmpty else { throw invalid("\(Variable.passwordFile): \(path) is empty") }
            password = String(trimmed)
        }
        self.init(
            securityProtocol: securityProtocol, saslMechanism: mechanism, username: value(Variable.username),
            password: password, caFile: try readable(Variable.caFile),
            certificateFile: try readable(Variable.certificateFile), keyFile: try readable(Variable.keyFile))
        do {
            try validate()
        } catch let error as KafkaError {
            throw invalid("\(error.reason) (\(Variable.securityProtocol) and the KAFKA_SASL_*/KAFKA_SSL_* settings)")
        }
    }
}
