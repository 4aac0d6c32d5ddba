import AuthEvents
import ServiceKit
import TestSupport
import Testing
import TokenKit

@testable import Revocation

/// RevocationFeed against in-memory fakes of the Kafka adapter and of Redis.
@Suite(.timeLimit(.minutes(1))) struct RevocationFeedTests {
    let source = InMemoryFeedSource()
    let snapshot = InMemorySnapshot()
    let readiness = Readiness()
    let set = RevocationSet()

    func start() -> Task<Void, any Error> {
        let feed = RevocationFeed(
            set: set, policy: Fixture.revocationPolicy, keys: Fixture.pinnedKeys, source: source, snapshot: snapshot, readiness: readiness,
            configuration: .init(retryDelay: .milliseconds(20)), logger: Fixture.logger)
        return Task { try await feed.run() }
    }

    @Test func loadsTheSnapshotThenAppliesEvents() async throws {
        snapshot.values.withLock { $0 = [Fixture.revocation(.token(id: "from-redis")).encoded] }
        let task = start()
        defer { task.cancel() }
        try await waitUntil("readiness.unmet.isEmpty") { readiness.unmet.isEmpty }
        #expect(set.isRevoked(Fixture.claims(jti: "from-redis")))
        source.publish(Fixture.revocation(.session(id: "from-kafka")).signed, to: "auth.revocations")
        try await waitUntil("set.isRevoked(Fixture.claims(sid: from-kafka))") { set.isRevoked(Fixture.claims(sid: "from-kafka")) }
    }

    @Test func isNotReadyUntilRedisAnswers() async throws {
        snapshot.failures.store(3, ordering: .relaxed)
        let task = start()
        defer { task.cancel() }
        #expect(readiness.unmet["revocations"] != nil)
        #expect(!set.isComplete, "protected routes must answer 503 until the set is loaded")
        try await waitUntil("readiness.unmet.isEmpty") { readiness.unmet.isEmpty }
        #expect(set.isComplete)
        #expect(snapshot.loads.load(ordering: .relaxed) == 4)
    }

    @Test func badEntriesAndEventsAreSkipped() async throws {
        snapshot.values.withLock {
            $0 = [
                Array("{\"type\":\"revocation\"}".utf8), Array("garbage".utf8),
                Fixture.revocation(.token(id: "ok")).encoded,
            ]
        }
        let task = start()
        defer { task.cancel() }
        try await waitUntil("readiness.unmet.isEmpty") { readiness.unmet.isEmpty }
        source.publish(Array("{}".utf8), to: "auth.revocations")
        source.publish(Fixture.revocation(.token(id: "after")).signed, to: "auth.revocations")
        try await waitUntil("set.isRevoked(Fixture.claims(jti: after))") { set.isRevoked(Fixture.claims(jti: "after")) }
        #expect(set.count == 2)
    }

    @Test func aLostStreamResynchronisesFromRedis() async throws {
        let task = start()
        defer { task.cancel() }
        try await waitUntil("readiness.unmet.isEmpty") { readiness.unmet.isEmpty }
        // Written to Redis while the stream was away; the event itself never arrives.
        snapshot.values.withLock { $0 = [Fixture.revocation(.token(id: "missed")).encoded] }
        snapshot.failures.store(50, ordering: .relaxed)  // about a second of resynchronising
        source.signal(.offsetsLost(partition: 0, expected: 1, actual: 0), on: "auth.revocations")
        try await waitUntil("fail closed while resynchronising") { !set.isComplete }
        try await waitUntil("set.isRevoked(Fixture.claims(jti: missed))") { set.isRevoked(Fixture.claims(jti: "missed")) }
        try await waitUntil("readiness.unmet.isEmpty") { readiness.unmet.isEmpty }
        #expect(source.opened.load(ordering: .relaxed) == 2)
        source.publish(Fixture.revocation(.token(id: "later")).signed, to: "auth.revocations")
        try await waitUntil("set.isRevoked(Fixture.claims(jti: later))") { set.isRevoked(Fixture.claims(jti: "later")) }
    }

    @Test func aLostBrokerAloneKeepsTheSetAndReadiness() async throws {
        snapshot.values.withLock { $0 = [Fixture.revocation(.token(id: "kept")).encoded] }
        let task = start()
        defer { task.cancel() }
        try await waitUntil("readiness.unmet.isEmpty") { readiness.unmet.isEmpty }
        source.signal(.brokerLost, on: "auth.revocations")
        try await Task.sleep(for: .milliseconds(50))
        #expect(readiness.unmet.isEmpty)
        #expect(set.isRevoked(Fixture.claims(jti: "kept")))
        #expect(source.opened.load(ordering: .relaxed) == 1)
    }
}

/// What the feed does with events nobody pinned signed: nothing.
@Suite struct RevocationFeedTrustTests {
    let set = RevocationSet()
    let source = InMemoryFeedSource()
    let snapshot = InMemorySnapshot()
    let readiness = Readiness()

    @Test func unsignedForeignAndOtherIssuersEventsChangeNothing() async throws {
        let feed = RevocationFeed(
            set: set, policy: Fixture.revocationPolicy, keys: Fixture.pinnedKeys, source: source, snapshot: snapshot,
            readiness: readiness, logger: Fixture.logger)
        let running = Task { try await feed.run() }
        defer { running.cancel() }
        try await waitUntil("the feed to load") { readiness.unmet.isEmpty }
        source.publish(Fixture.revocation(.token(id: "unsigned")).encoded, to: "auth.revocations")
        source.publish(SignedEvent.sign(Fixture.revocation(.token(id: "foreign")).encoded, with: .generate()), to: "auth.revocations")
        var otherIssuer = Fixture.revocation(.token(id: "other-issuer"))
        otherIssuer.issuer = "https://evil.example"
        source.publish(otherIssuer.signed, to: "auth.revocations")
        source.publish(Fixture.revocation(.token(id: "genuine")).signed, to: "auth.revocations")
        try await waitUntil("the genuine revocation") { set.isRevoked(Fixture.claims(jti: "genuine")) }
        for jti in ["unsigned", "foreign", "other-issuer"] { #expect(!set.isRevoked(Fixture.claims(jti: jti)), "\(jti)") }
    }
}
