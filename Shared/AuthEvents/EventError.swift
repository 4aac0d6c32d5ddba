import ErrorCodes

/// Why an event was refused: a stable code (the `reason` label of the consumers' metrics) and
/// an explanation safe to log (no key material). A consumer logs it and skips the message: one
/// bad message never stops a consumer.
public typealias EventError = CodedError<EventErrors>

/// The family of ``EventError``'s codes.
public enum EventErrors {}

extension ErrorCode where Family == EventErrors {
    /// Not a JSON object, or a member of the wrong type.
    public static let malformed = Self("malformed")
    /// A `type` this build does not know.
    public static let unknownType = Self("unknown_type")
    /// A `version` of a known type that this build does not know.
    public static let unsupportedVersion = Self("unsupported_version")
    /// Well-formed but not acceptable: a bad key, an empty id, times out of order.
    public static let invalid = Self("invalid")
}
