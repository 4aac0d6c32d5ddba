import AuthEvents
import Foundation
import Redis
import ServiceKit

/// Writes revocations: to Redis first (`revoked:<kind>:<value>`, value = the event's JSON,
/// expiring when the last affected token has expired), then on the revocations topic (message
/// key = the revoked value). A resource instance that loads Redis and then reads the topic from
/// the offsets it noted before loading can therefore never miss one (docs/REDIS-KEYS.md).
struct Revoker: Sendable {
    let redis: RedisClient
    let publisher: any EventPublishing
    let topic: String
    /// `ACCESS_TOKEN_TTL`: how long any token of a session or subject can still be alive.
    let accessTokenTTL: Duration
    /// `LEEWAY`: verifiers accept a token this long past its `exp`.
    let leeway: Duration
    /// How long a request waits for the broker to store the event before it answers anyway
    /// (the event stays queued and goes out when the broker is back).
    let deliveryWait: Duration
    /// `issuer_revocations_total`, made once.
    let counters = RevocationCounters()

    /// The Redis key of a revocation.
    static func key(_ target: RevocationEvent.Target) -> String {
        switch target {
        case .token(let id): "revoked:jti:\(id)"
        case .session(let id): "revoked:sid:\(id)"
        case .subject(let id, _): "revoked:sub:\(id)"
        }
    }

    /// One revocation: what is refused, and when the last token it can affect has expired
    /// (its Redis entry's end).
    struct Entry: Sendable {
        let target: RevocationEvent.Target
        let expiresAt: Double
    }

    /// One access token, until its `exp` plus leeway.
    func token(id: String, expiresAt: Double) -> Entry { Entry(target: .token(id: id), expiresAt: expiresAt + leeway.seconds) }

    /// Every access token of a session, for one access lifetime plus leeway.
    func session(id: String, now: Double) -> Entry {
        Entry(target: .session(id: id), expiresAt: now + accessTokenTTL.seconds + leeway.seconds)
    }

    /// Every access token of a subject issued before `now`.
    func subject(_ subject: String, now: Double) -> Entry {
        Entry(target: .subject(id: subject, issuedBefore: now), expiresAt: now + accessTokenTTL.seconds + leeway.seconds)
    }

    /// A revocation ready to be written: its Redis key, the event's bytes (the value in Redis and
    /// on the topic alike) and the entry's lifetime from now.
    struct Prepared: Sendable {
        let entry: Entry
        let key: String
        let event: [UInt8]
        let lifetime: Duration
    }

    /// Encodes entries once, for Redis and the topic.
    func prepare(_ entries: [Entry], now: Double) -> [Prepared] {
        entries.map { entry in
            Prepared(
                entry: entry, key: Self.key(entry.target),
                event: AuthEvent.revocation(RevocationEvent(target: entry.target, expiresAt: entry.expiresAt, revokedAt: now)).encoded,
                lifetime: .milliseconds(max(1, Int64(((entry.expiresAt - now) * 1000).rounded(.up)))))
        }
    }

    /// Writes every entry to Redis, then publishes all of their events at once: one logout's
    /// token and session revocations travel in one broker round trip (and usually one batch)
    /// instead of two in a row (docs/BENCHMARKS.md, revocation-storm).
    /// - Returns: whether the broker acknowledged every event within `deliveryWait`.
    /// - Throws: `RedisError`; nothing is published then.
    @discardableResult
    func revoke(_ entries: [Entry], now: Double) async throws -> Bool {
        let prepared = prepare(entries, now: now)
        // One round trip for all of them (a logout writes two).
        try await redis.set(prepared.map { ($0.key, RedisArgument($0.event), $0.lifetime) })
        return await publish(prepared)
    }

    /// Publishes revocations already written to Redis (by ``revoke(_:now:)``, or by a session
    /// script that wrote the entry in the same step as the change it records).
    /// - Returns: whether the broker acknowledged every event within `deliveryWait`.
    @discardableResult
    func publish(_ prepared: [Prepared]) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            for revocation in prepared {
                group.addTask {
                    let delivered = await publisher.publish(
                        topic: topic, key: Self.value(revocation.entry.target), value: revocation.event, wait: deliveryWait)
                    counters.count(revocation.entry.target, acknowledged: delivered)
                    return delivered
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
    }

    private static func value(_ target: RevocationEvent.Target) -> String {
        switch target {
        case .token(let id), .session(let id), .subject(let id, _): id
        }
    }
}
