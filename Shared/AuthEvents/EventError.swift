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
    /// Not signed: a plain JSON event, or anything that is not a compact JWS.
    public static let unsigned = Self("unsigned")
    /// Signed by a key the consumer does not pin.
    public static let unknownSigner = Self("unknown_signer")
    /// The signature does not verify.
    public static let badSignature = Self("bad_signature")
    /// Another issuer than the consumer's `ISSUER_URL`.
    public static let wrongIssuer = Self("wrong_issuer")
    /// Too old to be acted on: a replayed announcement past its validity.
    public static let stale = Self("stale")
    /// A time beyond the leeway in the future.
    public static let fromTheFuture = Self("from_the_future")
}
