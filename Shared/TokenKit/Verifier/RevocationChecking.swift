/// Answers whether an otherwise valid access token has been revoked.
///
/// The resource services implement it with the in-memory set fed by revocation events; it
/// is asked on every verification, including cache hits, so it must be fast and must not
/// do I/O.
public protocol RevocationChecking: Sendable {
    /// Whether the token's `jti` or `sid` is revoked, or its subject revoked every token
    /// issued before the token's `iat`.
    func isRevoked(_ claims: AccessTokenClaims) -> Bool
}

/// Revokes nothing: for tools such as `tokenctl verify`, which have no revocation source.
public struct NoRevocations: RevocationChecking {
    /// Creates the empty revocation source.
    public init() {}
    public func isRevoked(_ claims: AccessTokenClaims) -> Bool { false }
}
