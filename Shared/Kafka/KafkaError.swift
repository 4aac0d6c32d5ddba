import ErrorCodes

/// The one error type of the Kafka module: a stable code that callers switch on and a reason
/// for people, including librdkafka's own words where it gave some.
public typealias KafkaError = CodedError<KafkaErrors>

/// The family of ``KafkaError``'s codes.
public enum KafkaErrors {}

extension ErrorCode where Family == KafkaErrors {
    /// The linked librdkafka is older than the headers it was compiled against.
    public static let libraryTooOld = Self("library_too_old")
    /// A configuration value was refused by librdkafka or by this module.
    public static let invalidConfiguration = Self("invalid_configuration")
    /// librdkafka could not create a client.
    public static let clientCreation = Self("client_creation")
    /// The broker refused or failed to store a message.
    public static let deliveryFailed = Self("delivery_failed")
    /// librdkafka's local queue is full; the message was not accepted.
    public static let queueFull = Self("queue_full")
    /// The client was shut down before the operation could complete.
    public static let shutDown = Self("shut_down")
    /// The broker could not be reached within the time limit.
    public static let brokerUnreachable = Self("broker_unreachable")
    /// An admin operation (create or delete topics, metadata) failed.
    public static let adminOperation = Self("admin_operation")
    /// The topic does not exist on the broker.
    public static let unknownTopic = Self("unknown_topic")
}
