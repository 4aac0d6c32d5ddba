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
    /// The brokers, the client id and the security settings.
    public var connection: KafkaConnection
    /// How long one operation may take, connecting included.
    /// Default: 10 s.
    public var operationTimeout: Duration

    /// Creates a configuration with the defaults above.
    public init(connection: KafkaConnection) {
        self.connection = connection
        operationTimeout = .seconds(10)
    }

    /// Creates a configuration for a plaintext connection to `bootstrapServers`.
    public init(bootstrapServers: [String] = ["127.0.0.1:9092"], clientID: String = "token-infra-admin") {
        self.init(connection: KafkaConnection(bootstrapServers: bootstrapServers, clientID: clientID))
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
        let (properties, timeout, logger) = (configuration.connection.properties, configuration.operationTimeout, logger)
        try await DedicatedThread.run(name: "kafka-admin") {
            try RDKafkaAdmin.createTopics(
                newTopics, properties: properties, timeoutMilliseconds: timeout.wholeMilliseconds, logger: logger)
        }
    }

    /// Deletes the topics. A topic that does not exist counts as deleted.
    /// - Throws: ``KafkaError`` (`.adminOperation`, `.brokerUnreachable`).
    public func deleteTopics(_ names: [String]) async throws {
        let (properties, timeout, logger) = (configuration.connection.properties, configuration.operationTimeout, logger)
        try await DedicatedThread.run(name: "kafka-admin") {
            try RDKafkaAdmin.deleteTopics(
                names, properties: properties, timeoutMilliseconds: timeout.wholeMilliseconds, logger: logger)
        }
    }

    /// The partition count of every topic on the broker.
    /// - Throws: ``KafkaError/Code/brokerUnreachable`` when no broker answers in time.
    public func topics() async throws -> [String: Int] {
        let (properties, timeout, logger) = (configuration.connection.properties, configuration.operationTimeout, logger)
        return try await DedicatedThread.run(name: "kafka-admin") {
            try RDKafkaMetadata.topics(
                properties: properties, timeoutMilliseconds: timeout.wholeMilliseconds, logger: logger)
        }
    }
}
