/// The JWS algorithms TokenKit signs and verifies (RFC 7518 §3). Everything else — `none`,
/// every HMAC algorithm, PS*, ES384/512, RS384/512 — is refused by construction: there is
/// no case for it.
public enum SignatureAlgorithm: String, Sendable, CaseIterable, Hashable {
    /// ECDSA with P-256 and SHA-256; the signature is the raw `r‖s` (64 bytes).
    case es256 = "ES256"
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"

    /// The JWK `kty` of keys for this algorithm.
    public var keyType: String {
        switch self {
        case .es256: "EC"
        case .rs256: "RSA"
        }
    }
}
