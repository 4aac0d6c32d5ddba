/// The current revocations as a whole: Redis's `revoked:<kind>:<value>` keys, each holding the
/// revocation event's JSON (ARCHITECTURE.md "Revocation"). ``RedisRevocationSnapshot`` is the
/// real one; tests use an in-memory one.
public protocol RevocationSnapshot: Sendable {
    /// Calls `page` with the stored values of every revocation, one page at a time, so that a
    /// large set is never held twice in memory.
    /// - Throws: when the store cannot be read; the caller retries from scratch.
    func forEachPage(_ page: ([[UInt8]]) -> Void) async throws
}
