import AuthEvents
import Synchronization
import TokenKit

/// Every live revocation, in memory: the answer to "is this token revoked?" on every request,
/// without I/O.
///
/// Three tables behind one mutex: revoked `jti`s and `sid`s (each a ``RevocationID`` → its
/// expiry in 32-bit seconds: 20 bytes of payload per entry in a hash table that is at most 3/4
/// full, about 40 bytes an entry at 1,000,000 entries), and subjects → "refused if issued
/// before T". Ids are kept only as 128-bit digests. Entries are dropped by ``sweep(now:)``
/// once their `expiresAt` has passed; until then an expired entry can only refuse tokens that
/// have expired anyway.
///
/// Applying an event is idempotent and order-independent (the latest expiry and the latest
/// "issued before" win), so a feed may re-read events, or apply events from the stream and the
/// Redis snapshot in any interleaving.
public final class RevocationSet: RevocationChecking, Sendable {
    struct SubjectEntry: Sendable {
        var issuedBefore: Double
        var expiry: UInt32
    }

    struct Tables: ~Copyable {
        var tokens: [RevocationID: UInt32] = [:]
        var sessions: [RevocationID: UInt32] = [:]
        var subjects: [RevocationID: SubjectEntry] = [:]
        var count: Int { tokens.count + sessions.count + subjects.count }
    }

    private let tables = Mutex(Tables())

    /// Creates an empty set.
    public init() {}

    /// Applies one revocation. Applying it again changes nothing.
    public func apply(_ event: RevocationEvent) {
        let expiry = expirySeconds(event.expiresAt)
        switch event.target {
        case .token(let id):
            let key = RevocationID(id)
            tables.withLock { $0.tokens[key] = max($0.tokens[key] ?? 0, expiry) }
        case .session(let id):
            let key = RevocationID(id)
            tables.withLock { $0.sessions[key] = max($0.sessions[key] ?? 0, expiry) }
        case .subject(let id, let issuedBefore):
            let key = RevocationID(id)
            tables.withLock { tables in
                let old = tables.subjects[key]
                tables.subjects[key] = SubjectEntry(
                    issuedBefore: max(old?.issuedBefore ?? issuedBefore, issuedBefore), expiry: max(old?.expiry ?? 0, expiry))
            }
        }
    }

    /// Applies many revocations (a page of the Redis snapshot).
    public func apply(contentsOf events: [RevocationEvent]) {
        for event in events { apply(event) }
    }

    public func isRevoked(_ claims: AccessTokenClaims) -> Bool {
        let token = RevocationID(claims.tokenID), session = RevocationID(claims.sessionID)
        let subject = RevocationID(claims.subject)
        return tables.withLock { tables in
            if tables.tokens[token] != nil || tables.sessions[session] != nil { return true }
            guard let entry = tables.subjects[subject] else { return false }
            return claims.issuedAt < entry.issuedBefore
        }
    }

    /// Drops every entry whose expiry is before `now` (seconds since the epoch).
    /// - Returns: how many entries were dropped.
    @discardableResult
    public func sweep(now: Double) -> Int {
        let cutoff = UInt32(clamping: Int64(now.rounded(.down)))
        return tables.withLock { tables in
            let before = tables.count
            // Removing key by key keeps the tables' storage, instead of building copies of them.
            for key in tables.tokens.compactMap({ $0.value < cutoff ? $0.key : nil }) { tables.tokens[key] = nil }
            for key in tables.sessions.compactMap({ $0.value < cutoff ? $0.key : nil }) { tables.sessions[key] = nil }
            for key in tables.subjects.compactMap({ $0.value.expiry < cutoff ? $0.key : nil }) { tables.subjects[key] = nil }
            return before - tables.count
        }
    }

    /// The number of entries (jti, sid and subject together).
    public var count: Int { tables.withLock { $0.count } }
}
