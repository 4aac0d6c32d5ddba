import AuthEvents
import Foundation
import Metrics
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

    /// The Redis key of a revocation.
    static func key(_ target: RevocationEvent.Target) -> String {
        switch target {
        case .token(let id): "revoked:jti:\(id)"
        case .session(let id): "revoked:sid:\(id)"
        case .subject(let id, _): "revoked:sub:\(id)"
        }
    }

    /// Revokes one access token until its `exp` plus leeway.
    /// - Throws: `RedisError`; nothing is published then.
    func revokeToken(id: String, expiresAt: Double, now: Double) async throws {
        try await revoke(.token(id: id), expiresAt: expiresAt + leeway.seconds, now: now)
    }

    /// Revokes every access token of a session, for one access lifetime plus leeway.
    /// - Throws: `RedisError`; nothing is published then.
    func revokeSession(id: String, now: Double) async throws {
        try await revoke(.session(id: id), expiresAt: now + accessTokenTTL.seconds + leeway.seconds, now: now)
    }

    /// Refuses every access token of a subject issued before `now`.
    /// - Throws: `RedisError`; nothing is published then.
    func revokeSubject(_ subject: String, now: Double) async throws {
        try await revoke(.subject(id: subject, issuedBefore: now), expiresAt: now + accessTokenTTL.seconds + leeway.seconds, now: now)
    }

    private func revoke(_ target: RevocationEvent.Target, expiresAt: Double, now: Double) async throws {
        let event = AuthEvent.revocation(RevocationEvent(target: target, expiresAt: expiresAt, revokedAt: now)).encoded
        let lifetime = Duration.milliseconds(max(1, Int64(((expiresAt - now) * 1000).rounded(.up))))
        try await redis.set(Self.key(target), to: RedisArgument(event), expiration: lifetime)
        let delivered = await publisher.publish(topic: topic, key: Self.value(target), value: event, wait: deliveryWait)
        Counter(label: "issuer_revocations_total", dimensions: [("kind", Self.kind(target)), ("acknowledged", "\(delivered)")])
            .increment()
    }

    private static func kind(_ target: RevocationEvent.Target) -> String {
        switch target {
        case .token: "jti"
        case .session: "sid"
        case .subject: "sub"
        }
    }

    private static func value(_ target: RevocationEvent.Target) -> String {
        switch target {
        case .token(let id), .session(let id), .subject(let id, _): id
        }
    }
}
