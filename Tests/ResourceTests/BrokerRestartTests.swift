import Foundation
import Kafka
import Logging
import Redis
import Revocation
import ServiceKit
import TestSupport
import Testing
import TokenKit

/// A broker restart (the dev broker keeps everything in memory, so it comes back empty) against
/// a private broker and the test Redis: the revocation feed must notice, open a new stream and
/// resynchronise from Redis, so that a revocation whose event was lost is still enforced.
@Suite(.timeLimit(.minutes(3)))
struct BrokerRestartTests {
    @Test func aRevocationLostWithTheBrokerComesBackFromRedis() async throws {
        let logger = Logger(label: "broker-restart")
        let broker = try await PrivateBroker.start()
        let topic = "it.revocations.restart"
        let admin = KafkaAdmin(configuration: KafkaAdminConfiguration(bootstrapServers: broker.servers), logger: logger)
        try await admin.createTopics([KafkaTopicSpec(name: topic)])
        let redis = try RedisClient(configuration: RedisConfiguration(url: try TestEnvironment.redisURL()))
        let readiness = Readiness(), revocations = RevocationSet()
        let feed = RevocationFeed(
            set: revocations, policy: Fixture.revocationPolicy, keys: Fixture.pinnedKeys,
            source: KafkaBroadcastSource(configuration: KafkaConsumerConfiguration(bootstrapServers: broker.servers), logger: logger),
            snapshot: RedisRevocationSnapshot(redis: redis), readiness: readiness,
            configuration: .init(topic: topic, retryDelay: .milliseconds(200)), logger: logger)
        let running = Task { try await feed.run() }
        defer { running.cancel() }

        #expect(try await waitFor(.seconds(30)) { readiness.unmet.isEmpty })
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: broker.servers), logger: logger)
        let now = Date().timeIntervalSince1970
        let before = RevocationEvent(target: .token(id: "before-restart"), expiresAt: now + 600, revokedAt: now, issuer: Fixture.issuer)
        _ = try await producer.send(topic: topic, key: Array("before-restart".utf8), value: before.signed)
        #expect(try await waitFor(.seconds(5)) { revocations.isRevoked(claims(jti: "before-restart")) })
        await producer.shutdown()

        // The broker restarts empty; meanwhile a revocation reaches Redis but its event is lost.
        try await broker.restart()
        let lostID = "lost-\(UUID().uuidString.prefix(8))"
        let lost = RevocationEvent(target: .session(id: lostID), expiresAt: now + 600, revokedAt: now, issuer: Fixture.issuer)
        try await redis.set("revoked:sid:\(lostID)", to: RedisArgument(lost.encoded), expiration: .seconds(600))
        try await admin.createTopics([KafkaTopicSpec(name: topic)])
        #expect(try await waitFor(.seconds(60)) { revocations.isRevoked(claims(sid: lostID)) }, "the lost revocation never came back")
        #expect(try await waitFor(.seconds(30)) { readiness.unmet.isEmpty })
        // What was enforced before the restart stays enforced (fail-static).
        #expect(revocations.isRevoked(claims(jti: "before-restart")))

        // Events published on the new log are applied again.
        let fresh = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: broker.servers), logger: logger)
        let after = RevocationEvent(target: .token(id: "after-restart"), expiresAt: now + 600, revokedAt: now, issuer: Fixture.issuer)
        _ = try await fresh.send(topic: topic, key: Array("after-restart".utf8), value: after.signed)
        #expect(try await waitFor(.seconds(10)) { revocations.isRevoked(claims(jti: "after-restart")) })

        running.cancel()
        await fresh.shutdown()
        try await redis.del(["revoked:sid:\(lostID)"])
        try await redis.close()
        try await broker.stop()
    }

    func claims(jti: String = "j", sid: String = "s") -> AccessTokenClaims {
        let now = Date().timeIntervalSince1970
        return AccessTokenClaims(
            issuer: "http://127.0.0.1:8080", subject: "alice", audience: ["api"], expiresAt: now + 600, notBefore: now, issuedAt: now,
            tokenID: jti, sessionID: sid, roles: [])
    }

    func waitFor(_ timeout: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
