import AuthEvents

/// What a consumer accepts of a revocation, beyond its signature: its own issuer's, no time
/// in the future beyond the leeway, and no life longer than any token's, so that even a
/// validly signed mistake cannot lock a user out for longer than a token lives.
public struct RevocationPolicy: Sendable {
    /// The consumer's `ISSUER_URL`.
    public let issuer: String
    let issuerBytes: [UInt8]
    /// `LEEWAY`.
    public let leeway: Double
    /// The longest life of an access token (`ACCESS_TOKEN_TTL`): no revocation needs to
    /// outlive it by more than the leeway.
    public let longestTokenLifetime: Double

    /// Creates a policy.
    public init(issuer: String, leeway: Double, longestTokenLifetime: Double) {
        self.issuer = issuer
        self.issuerBytes = Array(issuer.utf8)
        self.leeway = leeway
        self.longestTokenLifetime = longestTokenLifetime
    }

    /// The latest expiry a revocation may have at `now`.
    func latestExpiry(now: Double) -> Double { now + longestTokenLifetime + leeway }

    /// `event` as it may be applied at `now`: its expiry clamped to ``latestExpiry(now:)``.
    /// - Throws: ``EventError`` `wrong_issuer`, or `from_the_future` for a `revokedAt` or
    ///   `issuedBefore` beyond the leeway.
    public func admit(_ event: RevocationEvent, now: Double) throws -> RevocationEvent {
        guard event.issuer.utf8.elementsEqual(issuerBytes) else { throw EventError(.wrongIssuer, "revoked by another issuer") }
        guard event.revokedAt <= now + leeway else { throw EventError(.fromTheFuture, "revokedAt is in the future") }
        if case .subject(_, let before) = event.target, before > now + leeway {
            throw EventError(.fromTheFuture, "issuedBefore is in the future")
        }
        var event = event
        event.expiresAt = min(event.expiresAt, latestExpiry(now: now))
        return event
    }

    /// The same for the fast path's form, whose issuer was already compared while reading.
    func admit(_ revocation: CanonicalRevocation, now: Double) throws -> CanonicalRevocation {
        guard revocation.revokedAt <= now + leeway else { throw EventError(.fromTheFuture, "revokedAt is in the future") }
        var revocation = revocation
        revocation.expiresAt = min(revocation.expiresAt, latestExpiry(now: now))
        return revocation
    }
}
