/// Why an event was refused. A consumer logs the reason and skips the message: one bad
/// message never stops a consumer.
public struct EventError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable refusal code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Not a JSON object, or a member of the wrong type.
        public static let malformed = Code("malformed")
        /// A `type` this build does not know.
        public static let unknownType = Code("unknown_type")
        /// A `version` of a known type that this build does not know.
        public static let unsupportedVersion = Code("unsupported_version")
        /// Well-formed but not acceptable: a bad key, an empty id, times out of order.
        public static let invalid = Code("invalid")
    }

    /// What kind of refusal this is.
    public let code: Code
    /// A short explanation, safe to log (no key material).
    public let reason: String

    /// Creates a refusal.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
