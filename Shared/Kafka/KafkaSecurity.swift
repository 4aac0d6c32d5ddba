/// How a client authenticates to the brokers and protects the connection: Kafka's own
/// `security.protocol`, SASL and TLS settings, the same for producers, consumers and admins.
///
/// The password is never part of ``description`` or any error message.
public struct KafkaSecurity: Sendable, Hashable {
    /// `security.protocol`.
    public enum SecurityProtocol: String, Sendable, Hashable, CaseIterable {
        /// No TLS, no authentication.
        case plaintext = "PLAINTEXT"
        /// TLS; with a client certificate when ``KafkaSecurity/certificateFile`` is set.
        case ssl = "SSL"
        /// SASL without TLS (credentials and events readable on the network).
        case saslPlaintext = "SASL_PLAINTEXT"
        /// SASL inside TLS: what production uses.
        case saslSSL = "SASL_SSL"

        var usesSASL: Bool { self == .saslPlaintext || self == .saslSSL }
        var usesTLS: Bool { self == .ssl || self == .saslSSL }
    }

    /// `sasl.mechanism`.
    public enum SASLMechanism: String, Sendable, Hashable, CaseIterable {
        /// Salted challenge-response with SHA-256 (RFC 7677); the password never travels.
        case scramSHA256 = "SCRAM-SHA-256"
        /// Salted challenge-response with SHA-512.
        case scramSHA512 = "SCRAM-SHA-512"
        /// The password itself, sent to the broker: only inside TLS.
        case plain = "PLAIN"
    }

    /// `security.protocol`.
    /// Default: `PLAINTEXT`.
    public var securityProtocol: SecurityProtocol
    /// `sasl.mechanism`, used with the SASL protocols.
    /// Default: `SCRAM-SHA-512`.
    public var saslMechanism: SASLMechanism
    /// `sasl.username`; required with the SASL protocols.
    /// Default: `nil`.
    public var username: String?
    /// `sasl.password`; required with the SASL protocols. From the environment or a file,
    /// never from a default.
    /// Default: `nil`.
    public var password: String?
    /// `ssl.ca.location`: PEM file of the CA(s) that signed the brokers' certificates; `nil`
    /// uses the system's store.
    /// Default: `nil`.
    public var caFile: String?
    /// `ssl.certificate.location`: PEM client certificate, for brokers that require one.
    /// Default: `nil`.
    public var certificateFile: String?
    /// `ssl.key.location`: PEM key of the client certificate.
    /// Default: `nil`.
    public var keyFile: String?

    /// Plaintext, no authentication: the dev broker's default.
    public init(
        securityProtocol: SecurityProtocol = .plaintext, saslMechanism: SASLMechanism = .scramSHA512,
        username: String? = nil, password: String? = nil, caFile: String? = nil,
        certificateFile: String? = nil, keyFile: String? = nil
    ) {
        self.securityProtocol = securityProtocol
        self.saslMechanism = saslMechanism
        self.username = username
        self.password = password
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// Checks that the settings fit together, so a mistake stops the client at start-up with a
    /// message that says which setting to fix.
    /// - Throws: ``KafkaError`` `invalidConfiguration`.
    public func validate() throws {
        func invalid(_ reason: String) -> KafkaError { KafkaError(.invalidConfiguration, "Kafka security: \(reason)") }
        let name = securityProtocol.rawValue
        if securityProtocol.usesSASL {
            guard let username, !username.isEmpty else { throw invalid("\(name) needs a SASL username") }
            guard let password, !password.isEmpty else { throw invalid("\(name) needs a SASL password") }
            if saslMechanism == .plain && !securityProtocol.usesTLS {
                throw invalid("SASL PLAIN sends the password itself: use it with SASL_SSL, not \(name)")
            }
        } else if username != nil || password != nil {
            throw invalid("a SASL username or password is given but the protocol \(name) does not use SASL")
        }
        if !securityProtocol.usesTLS, caFile != nil || certificateFile != nil || keyFile != nil {
            throw invalid("a CA, certificate or key file is given but the protocol \(name) does not use TLS")
        }
        guard (certificateFile == nil) == (keyFile == nil) else {
            throw invalid("a client certificate needs its key and a key its certificate")
        }
    }

    /// The librdkafka properties, merged into every client's configuration.
    var properties: [String: String] {
        var properties = ["security.protocol": securityProtocol.rawValue.lowercased()]
        if securityProtocol.usesSASL {
            properties["sasl.mechanism"] = saslMechanism.rawValue
            properties["sasl.username"] = username ?? ""
            properties["sasl.password"] = password ?? ""
        }
        if securityProtocol.usesTLS {
            // Host-name verification of the broker's certificate (librdkafka's default, stated).
            properties["ssl.endpoint.identification.algorithm"] = "https"
            if let caFile { properties["ssl.ca.location"] = caFile }
            if let certificateFile { properties["ssl.certificate.location"] = certificateFile }
            if let keyFile { properties["ssl.key.location"] = keyFile }
        }
        return properties
    }

    /// Properties whose values never appear in a log or an error.
    static let secretProperties: Set<String> = ["sasl.password", "ssl.key.password", "ssl.key.pem", "sasl.oauthbearer.client.secret"]
}

extension KafkaSecurity: CustomStringConvertible {
    /// The settings without the password, safe for logs.
    public var description: String {
        var parts = [securityProtocol.rawValue]
        if securityProtocol.usesSASL { parts.append("\(saslMechanism.rawValue) user \(username ?? "-")") }
        if securityProtocol.usesTLS {
            parts.append("CA \(caFile ?? "system")")
            if let certificateFile { parts.append("client certificate \(certificateFile)") }
        }
        return parts.joined(separator: ", ")
    }
}
