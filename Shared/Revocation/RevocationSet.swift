import Synchronization
import TokenKit

/// Every live revocation, in memory: the answer to "is this token revoked?" on every request,
/// without I/O.
///
/// Three tables behind one mutex: revoked `jti`s and `sid`s (each a ``RevocationID`` → its
/// expiry in 32-bit seconds: 20 bytes of payload per entry in a hash table that is at most 3/4
/// full), and subjects → "refused if issued before T". Ids are kept only as 128-bit digests.
/// Beside them an expiry wheel lists each id under the minute it expires in, so that
/// ``sweep(now:)`` visits only what expires up to now, in small batches, instead of scanning a
/// million live entries under the lock. About 68 bytes an entry at 1,000,000 entries with the wheel
/// (docs/RESOURCE.md). Until it is swept an expired entry can only refuse tokens
/// that have expired anyway.
///
/// Applying an event is idempotent and order-independent (the latest expiry and the latest
/// "issued before" win), so a feed may re-read events, or apply events from the stream and the
/// Redis snapshot in any interleaving.
public final class RevocationSet: RevocationChecking, Sendable {
    struct SubjectEntry: Sendable {
        var issuedBefore: Double
        var expiry: UInt32
    }

    enum Kind: Int, CaseIterable { case token, session, subject }

    struct Tables: ~Copyable {
        var tokens = ExpiryTable()
        var sessions = ExpiryTable()
        var subjects: [RevocationID: SubjectEntry] = [:]
        /// Per kind: expiry minute → the ids whose expiry was set within that minute. An id whose
        /// expiry was extended is listed twice; the sweep checks the table before removing.
        var wheels: [[UInt32: [RevocationID]]] = [[:], [:], [:]]
        var count: Int { tokens.count + sessions.count + subjects.count }

        func expiry(of id: RevocationID, _ kind: Kind) -> UInt32? {
            switch kind {
            case .token: tokens[id]
            case .session: sessions[id]
            case .subject: subjects[id]?.expiry
            }
        }

        mutating func remove(_ id: RevocationID, _ kind: Kind) {
            switch kind {
            case .token: tokens.remove(id)
            case .session: sessions.remove(id)
            case .subject: subjects[id] = nil
            }
        }

        /// Gives a `jti` or `sid` entry `expiry` unless it has a later one, and lists it on the wheel.
        mutating func raise(_ id: RevocationID, _ kind: Kind, to expiry: UInt32) {
            let raised = kind == .session ? sessions.raise(id, to: expiry) : tokens.raise(id, to: expiry)
            if raised { schedule(id, kind, at: expiry) }
        }

        mutating func schedule(_ id: RevocationID, _ kind: Kind, at expiry: UInt32) {
            wheels[kind.rawValue][expiry / 60, default: []].append(id)
        }
    }

    /// Ids checked per lock acquisition while sweeping, so requests never wait long.
    static let sweepBatch = 4096

    private let tables = Mutex(Tables())
    private let complete = Atomic(false)

    /// Creates an empty set, not yet complete.
    public init() {}

    /// Whether the set holds every live revocation: false until the feed has loaded it from
    /// Redis, and again while the feed knows it may have missed some (a resynchronisation).
    /// Protected routes refuse with 503 while it is false (fail closed, CONTRACT.md
    /// "Revocation"): an answer of 200 could serve a revoked token.
    public var isComplete: Bool { complete.load(ordering: .acquiring) }

    /// Marks the set complete (loaded) or incomplete (resynchronising); the feed's call.
    public func markComplete(_ value: Bool) { complete.store(value, ordering: .releasing) }

    /// Applies one revocation. Applying it again changes nothing.
    public func apply(_ event: RevocationEvent) {
        let expiry = expirySeconds(event.expiresAt)
        switch event.target {
        case .token(let id):
            let key = RevocationID(id)
            tables.withLock { $0.raise(key, .token, to: expiry) }
        case .session(let id):
            let key = RevocationID(id)
            tables.withLock { $0.raise(key, .session, to: expiry) }
        case .subject(let id, let issuedBefore):
            let key = RevocationID(id)
            tables.withLock { tables in
                let old = tables.subjects[key]
                let entry = SubjectEntry(
                    issuedBefore: max(old?.issuedBefore ?? issuedBefore, issuedBefore), expiry: max(old?.expiry ?? 0, expiry))
                tables.subjects[key] = entry
                if entry.expiry != old?.expiry { tables.schedule(key, .subject, at: entry.expiry) }
            }
        }
    }

    /// Applies a `jti` or `sid` revocation read by the fast path, as applying the same event would.
    func apply(_ revocation: CanonicalRevocation) {
        let expiry = expirySeconds(revocation.expiresAt)
        tables.withLock { $0.raise(revocation.id, revocation.isSession ? .session : .token, to: expiry) }
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

    /// Drops the entries whose expiry is before `now` (seconds since the epoch), visiting only
    /// the wheel's minutes up to now, a batch of ids per lock acquisition.
    /// - Returns: how many entries were dropped.
    @discardableResult
    public func sweep(now: Double) -> Int {
        let cutoff = UInt32(clamping: Int64(now.rounded(.down)))
        var dropped = 0
        for kind in Kind.allCases {
            let minutes = tables.withLock { $0.wheels[kind.rawValue].keys.filter { $0 <= cutoff / 60 } }
            for minute in minutes {
                let due = tables.withLock { $0.wheels[kind.rawValue].removeValue(forKey: minute) } ?? []
                var start = 0
                while start < due.count {
                    let batch = due[start..<min(start + Self.sweepBatch, due.count)]
                    dropped += tables.withLock { tables in
                        var removed = 0
                        for id in batch {
                            guard let expiry = tables.expiry(of: id, kind) else { continue }
                            if expiry < cutoff {
                                tables.remove(id, kind)
                                removed += 1
                            } else if expiry / 60 == minute {
                                // Later in the current minute: back on the wheel for the next sweep.
                                tables.schedule(id, kind, at: expiry)
                            }
                        }
                        return removed
                    }
                    start += Self.sweepBatch
                }
            }
        }
        return dropped
    }

    /// The number of entries (jti, sid and subject together).
    public var count: Int { tables.withLock { $0.count } }
}
