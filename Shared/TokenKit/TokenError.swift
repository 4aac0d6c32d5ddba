/// Why TokenKit refused a token, a key or an input.
///
/// Each refusal has a distinct ``Code`` that a caller can map to a log field and an HTTP
/// answer, and a human-readable ``reason`` that never contains the token or key material.
public struct TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable refusal code. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `expired`.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Over the size limit (8 KiB for a token).
        public static let tooLarge = Code("too_large")
        /// Not three parts of strict base64url, or not decodable.
        public static let malformed = Code("malformed")
        /// Header or claims are not a strict JSON object (including duplicate member names).
        public static let invalidJSON = Code("invalid_json")
        /// `alg` is `none`, an HMAC algorithm, or anything outside the allow-list.
        public static let unsupportedAlgorithm = Code("unsupported_algorithm")
        /// The header `alg` is not the algorithm of the key named by `kid`.
        public static let algorithmMismatch = Code("algorithm_mismatch")
        /// `kid` is missing or names no known key.
        public static let unknownKey = Code("unknown_key")
        /// The header carries a key or a key URL (`jwk`, `jku`, `x5u`, `x5c`), which is never trusted.
        public static let embeddedKey = Code("embedded_key")
        /// The header has a `crit` member: no extension is understood.
        public static let unknownCritical = Code("unknown_critical_header")
        /// The signature does not verify.
        public static let badSignature = Code("bad_signature")
        /// `typ` is not `at+jwt`.
        public static let wrongType = Code("wrong_type")
        /// `iss` is not the configured issuer.
        public static let wrongIssuer = Code("wrong_issuer")
        /// `aud` does not contain the configured audience.
        public static let wrongAudience = Code("wrong_audience")
        /// `exp` is past (beyond the leeway).
        public static let expired = Code("expired")
        /// `nbf` is in the future (beyond the leeway).
        public static let notYetValid = Code("not_yet_valid")
        /// `iat` is in the future (beyond the leeway).
        public static let issuedInFuture = Code("issued_in_future")
        /// A claim of the profile is missing or has the wrong type.
        public static let invalidClaim = Code("invalid_claim")
        /// The `jti`, the `sid` or the subject is revoked.
        public static let revoked = Code("revoked")
        /// A key (JWK, JWKS, PEM) is refused: wrong type, curve, size, use, or malformed.
        public static let invalidKey = Code("invalid_key")
        /// A signing operation failed in the crypto library.
        public static let signingFailed = Code("signing_failed")
    }

    /// What kind of refusal this is.
    public let code: Code
    /// A short explanation, safe to log: it never quotes token or key material.
    public let reason: String
    /// Where the refusal was raised, for debugging.
    public let file: String
    /// The line where the refusal was raised.
    public let line: Int

    /// Creates a refusal.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: TokenError, rhs: TokenError) -> Bool {
        lhs.code == rhs.code && lhs.reason == rhs.reason
    }
}
