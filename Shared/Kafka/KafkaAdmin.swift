import Logging

/// A topic to create with ``KafkaAdmin/createTopics(_:)``.
public struct KafkaTopicSpec: Sendable, Hashable {
    /// What the broker does with old messages (`cleanup.policy`).
    public enum CleanupPolicy: String, Sendable, Hashable {
        /// Drop messages older than the retention time.
        case delete
        /// Keep the last message of each key.
        case compact
    }

    /// The topic's name.
    public var name: String
    /// The number of partitions.
    /// Default: 1.
    public var partitions: Int
    /// Copies of each partition.
    /// Default: 1 (one dev broker; production uses 3).
    public var replicationFactor: Int
    /// `cleanup.policy`; nil leaves the broker's default. The dev broker stores but does not apply it.
    /// Default: nil.
    public var cleanupPolicy: CleanupPolicy?
    /// `retention.ms`; nil leaves the broker's default. The dev broker stores but does not apply it.
    /// Default: nil.
    public var retention: Duration?
    /// Other topic configs, applied last.
    /// Default: none.
    public var configs: [String: String]

    /// Creates a topic spec with the defaults above.
    public init(
        name: String, partitions: Int = 1, replicationFactor: Int = 1, cleanupPolicy: CleanupPolicy? = nil,
        retention: Duration? = nil, configs: [String: String] = [:]
    ) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.cleanupPolicy = cleanupPolicy
        self.retention = retention
        self.configs = configs
    }

    var allConfigs: [String: String] {
        var all: [String: String] = [:]
        if let cleanupPolicy { all["cleanup.policy"] = cleanupPolicy.rawValue }
        if let retention {
            let (seconds, attoseconds) = retention.components
            all["retention.ms"] = "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)"
        }
        return all.merging(configs) { _, explicit in explicit }
    }
}

/// Settings of a ``KafkaAdmin``.
public struct KafkaAdminConfiguration: Sendable {
    /// Brokers to bootstrap from, as `host:port`.
    /// Default: `["127.0.0.1:9092"]`.
    public var bootstrapServers: [String]
    /// The client id the broker sees (`client.id`).
    /// Default: `"token-infra-admin"`.
    public var clientID: String
    /// How long one operation may take, connecting included.
    /// Default: 10 s.
    public var operationTimeout: Duration
    /// TLS and SASL (`security.protocol` and friends).
    /// Default: plaintext, no authentication.
    public var security: KafkaSecurity
    /// More librdkafka properties (for example TLS settings).
    /// Default: none.
    public var additionalProperties: [String: String]

    /// Creates a configuration with the defaults above.
    public init(bootstrapServers: [String] = ["127.0.0.1:9092"], clientID: String = "token-infra-admin") {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        operationTimeout = .seconds(10)
        security = KafkaSecurity()
        additionalProperties = [:]
    }

    var properties: [String: String] {
        ["bootstrap.servers": bootstrapServers.joined(separator: ","), "client.id": clientID]
            .merging(security.properties) { _, secure in secure }
            .merging(additionalProperties) { _, extra in extra }
    }
}

/// Topic administration. Each call uses a fresh client that lives only for that call, so that
/// nothing cached survives a broker restart; each runs on a thread of its own.
public struct KafkaAdmin: Sendable {
    /// The settings.
    public let configuration: KafkaAdminConfiguration
    /// Where librdkafka's log lines go.
    public let logger: Logger

    /// Creates an admin; nothing connects until a call is made.
    public init(configuration: KafkaAdminConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Creates the topics. A topic that already exists counts as created (its settings are not
    /// compared).
    /// - Throws: ``KafkaError`` (`.adminOperation`, `.invalidConfiguration`, `.brokerUnreachable`).
    public func createTopics(_ topics: [KafkaTopicSpec]) async throws {
        let newTopics = topics.map {
            RDKafkaAdmin.NewTopic(
                name: $0.name, partitions: $0.partitions, replicationFactor: $0.replicationFactor,
                configs: $0.allConfigs)
        }
        let (properties, timeout, logger) = (configuration.properties, configuration.operationTimeout, logger)
        try await DedicatedThread.run(name: "kafka-admin") {
            try RDKafkaAdmin.createTopics(
                newTopics, properties: properties, timeoutMilliseconds: timeout.wholeMilliseconds, logger: logger)
        }
    }

    /// Deletes the topics. A topic that does not exist counts as deleted.
    /// - Throws: ``KafkaError`` (`.adminOperation`, `.brokerUnreachable`).
    public func deleteTopics(_ names: [String]) async throws {
        let (properties, timeout, logger) = (configuration.properties, configuration.operationTimeout, logger)
        try await DedicatedThread.run(name: "kafka-admin") {
            try RDKafkaAdmin.deleteTopics(
                names, properties: properties, timeoutMilliseconds: timeout.wholeMilliseconds, logger: logger)
        }
    }

    /// The partition count of every topic on the broker.
    /// - Throws: ``KafkaError/Code/brokerUnreachable`` when no broker answers in time.
    public func topics() async throws -> [String: Int] {
        let (properties, timeout, logger) = (configuration.properties, configuration.operationTimeout, logger)
        return try await DedicatedThread.run(name: "kafka-admin") {
            try RDKafkaMetadata.topics(
                properties: properties, timeoutMilliseconds: timeout.wholeMilliseconds, logger: logger)
        }
    }
}
