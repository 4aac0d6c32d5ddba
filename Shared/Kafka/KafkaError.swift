/// The one error type of the Kafka module: a stable ``Code`` that callers switch on, a reason for
/// people, and where it was raised.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a set of static constants so that new codes do not break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The linked librdkafka is older than the headers it was compiled against.
        public static let libraryTooOld = Code("libraryTooOld")
        /// A configuration value was refused by librdkafka or by this module.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// librdkafka could not create a client.
        public static let clientCreation = Code("clientCreation")
        /// The broker refused or failed to store a message.
        public static let deliveryFailed = Code("deliveryFailed")
        /// librdkafka's local queue is full; the message was not accepted.
        public static let queueFull = Code("queueFull")
        /// The client was shut down before the operation could complete.
        public static let shutDown = Code("shutDown")
        /// The broker could not be reached within the time limit.
        public static let brokerUnreachable = Code("brokerUnreachable")
        /// An admin operation (create or delete topics, metadata) failed.
        public static let adminOperation = Code("adminOperation")
        /// The topic does not exist on the broker.
        public static let unknownTopic = Code("unknownTopic")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation, including librdkafka's own words where it gave some.
    public let reason: String
    /// Source file that raised the error.
    public let file: String
    /// Source line that raised the error.
    public let line: Int

    /// Creates an error.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `code: reason (file:line)`.
    public var description: String { "KafkaError.\(code): \(reason) (\(file):\(line))" }
}
