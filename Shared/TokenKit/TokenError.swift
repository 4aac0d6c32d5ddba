import ErrorCodes

/// Why TokenKit refused a token, a key or an input: a distinct ``ErrorCode`` that a caller
/// can map to a log field and an HTTP answer, and a reason that never contains the token or
/// key material.
public typealias TokenError = CodedError<TokenErrors>

/// The family of ``TokenError``'s codes.
public enum TokenErrors {}

extension ErrorCode where Family == TokenErrors {
    /// Over the size limit (8 KiB for a token).
    public static let tooLarge = Self("too_large")
    /// Not three parts of strict base64url, or not decodable.
    public static let malformed = Self("malformed")
    /// Header or claims are not a strict JSON object (including duplicate member names).
    public static let invalidJSON = Self("invalid_json")
    /// `alg` is `none`, an HMAC algorithm, or anything outside the allow-list.
    public static let unsupportedAlgorithm = Self("unsupported_algorithm")
    /// The header `alg` is not the algorithm of the key named by `kid`.
    public static let algorithmMismatch = Self("algorithm_mismatch")
    /// `kid` is missing or names no known key.
    public static let unknownKey = Self("unknown_key")
    /// The header carries a key or a key URL (`jwk`, `jku`, `x5u`, `x5c`), which is never trusted.
    public static let embeddedKey = Self("embedded_key")
    /// The header has a `crit` member: no extension is understood.
    public static let unknownCritical = Self("unknown_critical_header")
    /// The signature does not verify.
    public static let badSignature = Self("bad_signature")
    /// `typ` is not `at+jwt`.
    public static let wrongType = Self("wrong_type")
    /// `iss` is not the configured issuer.
    public static let wrongIssuer = Self("wrong_issuer")
    /// `aud` does not contain the configured audience.
    public static let wrongAudience = Self("wrong_audience")
    /// `exp` is past (beyond the leeway).
    public static let expired = Self("expired")
    /// `nbf` is in the future (beyond the leeway).
    public static let notYetValid = Self("not_yet_valid")
    /// `iat` is in the future (beyond the leeway).
    public static let issuedInFuture = Self("issued_in_future")
    /// A claim of the profile is missing or has the wrong type.
    public static let invalidClaim = Self("invalid_claim")
    /// The `jti`, the `sid` or the subject is revoked.
    public static let revoked = Self("revoked")
    /// A key (JWK, JWKS, PEM) is refused: wrong type, curve, size, use, or malformed.
    public static let invalidKey = Self("invalid_key")
    /// A signing operation failed in the crypto library.
    public static let signingFailed = Self("signing_failed")
}
