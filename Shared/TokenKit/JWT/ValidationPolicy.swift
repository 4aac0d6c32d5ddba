/// What a verifier requires of an access token's header and claims, beyond the signature.
public struct ValidationPolicy: Sendable {
    /// The largest leeway allowed by the contract, in seconds.
    public static let maximumLeeway: Double = 60

    /// The issuer `iss` must equal. No default: it is the deployment's URL.
    public var issuer: String
    /// The audience `aud` must contain. No default.
    public var audience: String
    /// Clock-skew leeway for `exp`, `nbf` and `iat`, in seconds.
    /// Default: 30. At most ``maximumLeeway``.
    public var leeway: Double
    /// The `typ` header value required (RFC 9068 §2.1). Default: `at+jwt`.
    public var requiredType: String {
        didSet { typeForms = Self.typeForms(requiredType) }
    }
    /// The lower-cased accepted forms of ``requiredType``, with and without `application/`.
    private var typeForms: [[UInt8]]

    /// Creates a policy.
    /// - Throws: ``TokenError`` ``TokenError/Code/invalidClaim`` for a leeway outside 0...60 s.
    public init(issuer: String, audience: String, leeway: Double = 30, requiredType: String = "at+jwt") throws {
        guard (0...Self.maximumLeeway).contains(leeway) else {
            throw TokenError(.invalidClaim, "leeway must be between 0 and \(Int(Self.maximumLeeway)) seconds")
        }
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.requiredType = requiredType
        typeForms = Self.typeForms(requiredType)
    }

    private static func typeForms(_ type: String) -> [[UInt8]] {
        [Array(type.lowercased().utf8), Array(("application/" + type).lowercased().utf8)]
    }

    /// Checks the header type. Media types compare case-insensitively (RFC 7515 §4.1.9);
    /// the `application/` prefix may be omitted.
    func checkType(_ type: JSONKey?) throws {
        guard let type else { throw TokenError(.wrongType, "typ is missing") }
        let matches = type.withBytes { bytes in typeForms.contains { Self.equalsIgnoringCase(bytes, $0) } }
        guard matches else { throw TokenError(.wrongType, "typ is not \(requiredType)") }
    }

    /// Whether `bytes`, ASCII-lower-cased, equal `lowercased`.
    private static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercased: [UInt8]) -> Bool {
        guard bytes.count == lowercased.count else { return false }
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard (byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte) == lowercased[index] else { return false }
        }
        return true
    }

    /// Checks issuer, audience and times. `iss` and `aud` are compared byte for byte (RFC 7519
    /// StringOrURI comparison): Swift's `String ==` treats canonically equivalent Unicode as
    /// equal, so `"é"` (U+00E9) would match `"e\u{301}"`, a different issuer.
    func checkClaims(_ claims: AccessTokenClaims, now: Double) throws {
        guard claims.issuer.utf8.elementsEqual(issuer.utf8) else { throw TokenError(.wrongIssuer, "iss is not the configured issuer") }
        guard claims.audience.contains(where: { $0.utf8.elementsEqual(audience.utf8) }) else {
            throw TokenError(.wrongAudience, "aud does not contain the configured audience")
        }
        try checkTimes(claims, now: now)
    }

    /// Checks `exp`, `nbf` and `iat` against `now`, each with the leeway. Run on every
    /// request, cached or not, so that a cached token still expires on time.
    func checkTimes(_ claims: AccessTokenClaims, now: Double) throws {
        guard now < claims.expiresAt + leeway else { throw TokenError(.expired, "token has expired") }
        guard claims.notBefore <= now + leeway else { throw TokenError(.notYetValid, "token is not valid yet (nbf)") }
        guard claims.issuedAt <= now + leeway else { throw TokenError(.issuedInFuture, "token is issued in the future (iat)") }
    }
}
