import Foundation

/// Ends every session of a subject and refuses every access token issued to it until now:
/// logout-all, and `issuer user disable|delete|passwd`.
///
/// The "issued before" time is taken after the sessions are marked revoked. A refresh racing
/// this either runs its script after the mark (and is refused) or before it, and then its
/// token's `iat`, taken before its script, is earlier than that time (and the token is
/// refused). Taken before the sessions are revoked, as it once was, a refresh in between could
/// mint a token issued after it that survived.
struct SubjectRevocation: Sendable {
    let sessions: SessionStore
    let revoker: Revoker

    /// - Parameter clock: the time now, in seconds since the epoch (tests watch when it is read).
    /// - Returns: the sids that were revoked.
    /// - Throws: `RedisError`; a retry repeats it all (each step is idempotent).
    @discardableResult
    func revoke(subject: String, clock: @Sendable () async throws -> Double = { Date().timeIntervalSince1970 }) async throws -> [String] {
        try await revokeReporting(subject: subject, clock: clock).sids
    }

    /// ``revoke(subject:clock:)``, telling also whether the broker acknowledged the event in time.
    /// - Throws: `RedisError`.
    func revokeReporting(
        subject: String, clock: @Sendable () async throws -> Double = { Date().timeIntervalSince1970 }
    ) async throws -> (sids: [String], delivered: Bool) {
        let sids = try await sessions.revokeAll(subject: subject, now: try await clock())
        let issuedBefore = try await clock()
        let delivered = try await revoker.revoke([revoker.subject(subject, now: issuedBefore)], now: issuedBefore)
        return (sids, delivered)
    }
}
