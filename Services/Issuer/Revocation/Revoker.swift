import Foundation
import Redis
import Revocation
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

    /// Writes every entry to Redis, then publishes all of their events at once: one logout's
    /// token and session revocations travel in one broker round trip (and usually one batch)
    /// instead of two in a row (docs/BENCHMARKS.md, revocation-storm).
    /// - Throws: `RedisError`; nothing is published then.
    func revoke(_ entries: [Entry], now: Double) async throws {
        let events = entries.map { entry in
            (entry, RevocationEvent(target: entry.target, expiresAt: entry.expiresAt, revokedAt: now).encoded)
        }
        // One round trip for all of them (a logout writes two).
        try await redis.set(
            events.map { entry, event in
                let lifetime = Duration.milliseconds(max(1, Int64(((entry.expiresAt - now) * 1000).rounded(.up))))
                return (RevocationKeys.key(entry.target), RedisArgument(event), lifetime)
            })
        await withTaskGroup(of: Void.self) { group in
            for (entry, event) in events {
                group.addTask {
                    let delivered = await publisher.publish(topic: topic, key: entry.target.value, value: event, wait: deliveryWait)
                    counters.count(entry.target, acknowledged: delivered)
                }
            }
        }
    }
}
