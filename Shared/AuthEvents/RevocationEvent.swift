/// A revocation, announced on the revocation topic after the issuer has written it to Redis.
public struct RevocationEvent: Sendable, Equatable, Hashable {
    /// The event type on the wire.
    public static let type = "revocation"
    /// The schema version this build writes and reads.
    public static let version = 1

    /// What is revoked.
    public enum Target: Sendable, Equatable, Hashable {
        /// One access token, by `jti`.
        case token(id: String)
        /// Every access token of one refresh session, by `sid`.
        case session(id: String)
        /// Every access token of a subject issued before `issuedBefore` (logout-all).
        case subject(id: String, issuedBefore: Double)
    }

    /// What is revoked.
    public var target: Target
    /// When the entry stops mattering (the last affected access token has expired), seconds
    /// since the epoch: the Redis TTL ends here and consumers may forget the entry after it.
    public var expiresAt: Double
    /// When the issuer revoked, seconds since the epoch (for measuring propagation).
    public var revokedAt: Double

    /// Creates a revocation.
    public init(target: Target, expiresAt: Double, revokedAt: Double) {
        self.target = target
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
