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
    /// `ISSUER_URL`, named in every revocation.
    let issuer: String
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

    /// A revocation ready to be written: its Redis key, the event's bytes (the value in Redis and,
    /// signed, on the topic), the entry's lifetime from now and when it was revoked.
    struct Prepared: Sendable {
        let entry: Entry
        let key: String
        let event: [UInt8]
        let lifetime: Duration
        let revokedAt: Double

        /// Its member of the outbox.
        var outbox: OutboxEntry { OutboxEntry(key: entry.target.value, event: event) }
    }

    /// Encodes entries once, for Redis, the outbox and the topic.
    func prepare(_ entries: [Entry], now: Double) -> [Prepared] {
        entries.map { entry in
            Prepared(
                entry: entry, key: RevocationKeys.key(entry.target),
                event: RevocationEvent(target: entry.target, expiresAt: entry.expiresAt, revokedAt: now, issuer: issuer).encoded,
                lifetime: .milliseconds(max(1, Int64(((entry.expiresAt - now) * 1000).rounded(.up)))), revokedAt: now)
        }
    }

    /// Writes every entry to Redis and to the outbox, then publishes all of their events at
    /// once: one logout's token and session revocations travel in one broker round trip (and
    /// usually one batch) instead of two in a row (docs/BENCHMARKS.md, revocation-storm). An
    /// event the broker acknowledged leaves the outbox; one it did not is published again by
    /// ``drainOutbox(now:)``, by this issuer or the next one (docs/REDIS-KEYS.md "Outbox").
    /// - Returns: whether the broker acknowledged every event within `deliveryWait`.
    /// - Throws: `RedisError`; nothing is published then.
    @discardableResult
    func revoke(_ entries: [Entry], now: Double) async throws -> Bool {
        guard !entries.isEmpty else { return true }
        let prepared = prepare(entries, now: now)
        // Side by side, so one round trip for all of them (a logout writes two).
        async let stored: Void = redis.set(prepared.map { ($0.key, RedisArgument($0.event), $0.lifetime) })
        async let queued: Void = enqueue(prepared)
        try await stored
        try await queued
        return await publish(prepared)
    }

    /// Publishes revocations already in Redis and in the outbox: written by ``revoke(_:now:)``,
    /// or by a session script in the same step as the change it records. The acknowledged ones
    /// leave the outbox.
    /// - Returns: whether the broker acknowledged every event within `deliveryWait`.
    @discardableResult
    func publish(_ prepared: [Prepared]) async -> Bool {
        let delivered = await publish(prepared.map(\.outbox), wait: deliveryWait)
        for (revocation, acknowledged) in zip(prepared, delivered) { counters.count(revocation.entry.target, acknowledged: acknowledged) }
        return delivered.allSatisfy { $0 }
    }

    private func enqueue(_ prepared: [Prepared]) async throws {
        guard !prepared.isEmpty else { return }
        _ = try await redis.send(
            RedisCommand(
                "ZADD",
                [RedisArgument(RevocationKeys.outbox)] + prepared.flatMap { [RedisArgument(String($0.revokedAt)), $0.outbox.member] }))
    }

    /// Publishes what the outbox still holds from before `now - 2 s` (revocations whose
    /// publication failed, was cut off by a crash, or is still waiting for the broker), and
    /// forgets entries older than any token; called every second and at start.
    /// - Returns: how many were published and acknowledged.
    /// - Throws: `RedisError`.
    @discardableResult
    func drainOutbox(now: Double) async throws -> Int {
        let forgotten = now - accessTokenTTL.seconds - leeway.seconds
        _ = try await redis.send(
            RedisCommand("ZREMRANGEBYSCORE", [RedisArgument(RevocationKeys.outbox), "-inf", RedisArgument(String(forgotten))]))
        let reply = try await redis.send(
            RedisCommand(
                "ZRANGEBYSCORE", [RedisArgument(RevocationKeys.outbox), "-inf", RedisArgument(String(now - 2)), "LIMIT", "0", "1000"]))
        let members = (reply.array ?? []).compactMap(\.bytes)
        // What goes out is signed with the event key, and anyone who can write to Redis can
        // write here: only this issuer's own revocations, as it writes them, are published;
        // anything else is dropped and logged.
        let pending = members.compactMap(OutboxEntry.init(member:)).filter(isOwnRevocation)
        let foreign = members.filter { member in !pending.contains { $0.member == RedisArgument(member) } }
        if !foreign.isEmpty {
            RedisCall.logger.warning(
                "dropped outbox entries that are not this issuer's revocations", metadata: ["count": "\(foreign.count)"])
            _ = try await redis.send(RedisCommand("ZREM", [RedisArgument(RevocationKeys.outbox)] + foreign.map { RedisArgument($0) }))
        }
        guard !pending.isEmpty else { return 0 }
        return await publish(pending, wait: .seconds(5)).count { $0 }
    }

    /// Whether an outbox entry is a revocation this issuer wrote: its own issuer, its message
    /// key the revoked value, no time in the future.
    private func isOwnRevocation(_ entry: OutboxEntry) -> Bool {
        guard let event = try? RevocationEvent(decoding: entry.event) else { return false }
        return event.issuer == issuer && event.target.value == entry.key && event.revokedAt <= Date().timeIntervalSince1970 + leeway.seconds
    }

    /// Publishes `events` side by side and removes the acknowledged ones from the outbox.
    /// - Returns: whether each was acknowledged within `wait`.
    private func publish(_ events: [OutboxEntry], wait: Duration) async -> [Bool] {
        let delivered = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, outgoing) in events.enumerated() {
                group.addTask { (index, await publisher.publish(topic: topic, key: outgoing.key, value: outgoing.event, wait: wait)) }
            }
            var delivered = [Bool](repeating: false, count: events.count)
            for await (index, acknowledged) in group { delivered[index] = acknowledged }
            return delivered
        }
        let done = zip(events, delivered).filter(\.1).map(\.0.member)
        if !done.isEmpty {
            _ = try? await redis.send(RedisCommand("ZREM", [RedisArgument(RevocationKeys.outbox)] + done))
        }
        return delivered
    }
}

/// One revocation waiting in the outbox: its message key and event, kept in Redis as one
/// member (`key`, a newline, the event's JSON, which has no raw newline).
struct OutboxEntry: Sendable {
    let key: String
    let event: [UInt8]

    init(key: String, event: [UInt8]) {
        self.key = key
        self.event = event
    }

    init?(member: [UInt8]) {
        guard let newline = member.firstIndex(of: 0x0A) else { return nil }
        key = String(decoding: member[..<newline], as: UTF8.self)
        event = Array(member[(newline + 1)...])
    }

    var member: RedisArgument { RedisArgument(Array(key.utf8) + [0x0A] + event) }
}
