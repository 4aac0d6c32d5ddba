import AuthEvents
import ServiceKit
import TestSupport
import Testing
import TokenKit

@testable import KeyDistribution

/// KeyFeed against ``InMemoryFeedSource``, an in-memory fake of the Kafka adapter (the real
/// broker is exercised in ResourceTests' integration test).
@Suite(.timeLimit(.minutes(1))) struct KeyFeedTests {
    let source = InMemoryFeedSource()
    let readiness = Readiness()
    let catalog = KeyCatalog(issuer: Fixture.issuer)

    func start() -> (KeyFeed, Task<Void, any Error>) {
        let feed = KeyFeed(catalog: catalog, keys: Fixture.pinnedKeys, source: source, readiness: readiness, logger: Fixture.logger)
        return (feed, Task { try await feed.run() })
    }

    @Test func readsTheTopicFromItsBeginningAndBecomesReady() async throws {
        let key = try SigningKey.generate(.es256)
        source.publish(Fixture.keyEvent(key).signed, to: "auth.keys")
        let (_, task) = start()
        defer { task.cancel() }
        try await waitUntil("readiness.unmet.isEmpty") { readiness.unmet.isEmpty }
        #expect(catalog.directory.keys[key.kid] != nil)
    }

    @Test func anEmptyTopicIsNotReadyUntilAKeyArrives() async throws {
        let (feed, task) = start()
        defer { task.cancel() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!feed.isReady)
        #expect(readiness.unmet["keys"] != nil)
        let key = try SigningKey.generate(.rs256)
        source.publish(Fixture.keyEvent(key).signed, to: "auth.keys")
        try await waitUntil("feed.isReady") { feed.isReady }
        #expect(catalog.directory.keys[key.kid]?.algorithm == .rs256)
    }

    @Test func theNewestAnnouncementWinsAndRemovedKeysLeave() async throws {
        let key = try SigningKey.generate(.es256), other = try SigningKey.generate(.es256)
        let now = Fixture.now
        source.publish(Fixture.keyEvent(other).signed, to: "auth.keys")
        source.publish(Fixture.keyEvent(key, announced: now - 5).signed, to: "auth.keys")
        let (feed, task) = start()
        defer { task.cancel() }
        try await waitUntil("feed.isReady && catalog.directory.keys[key.kid] != nil") {
            feed.isReady && catalog.directory.keys[key.kid] != nil
        }
        // Retired and removed: gone from the directory.
        let removed = Fixture.keyEvent(key, published: now - 100, retires: now - 50, removed: now - 1, announced: now)
        source.publish(removed.signed, to: "auth.keys")
        try await waitUntil("catalog.directory.keys[key.kid] == nil") { catalog.directory.keys[key.kid] == nil }
        // An older announcement read again does not bring it back.
        source.publish(Fixture.keyEvent(key, announced: now - 5).signed, to: "auth.keys")
        try await Task.sleep(for: .milliseconds(100))
        #expect(catalog.directory.keys[key.kid] == nil)
        #expect(catalog.directory.keys[other.kid] != nil)
    }

    @Test func badMessagesAreSkipped() async throws {
        source.publish(Array("not json".utf8), to: "auth.keys")
        source.publish(Fixture.revocation(.token(id: "x")).signed, to: "auth.keys")
        let key = try SigningKey.generate(.es256)
        source.publish(Fixture.keyEvent(key).signed, to: "auth.keys")
        let (feed, task) = start()
        defer { task.cancel() }
        try await waitUntil("feed.isReady") { feed.isReady }
        #expect(catalog.directory.keys.count == 1)
    }

    @Test func aLostStreamIsReplacedAndKeysAreKept() async throws {
        let key = try SigningKey.generate(.es256)
        source.publish(Fixture.keyEvent(key).signed, to: "auth.keys")
        let (feed, task) = start()
        defer { task.cancel() }
        try await waitUntil("feed.isReady") { feed.isReady }
        source.wipe("auth.keys")
        source.signal(.offsetsLost(partition: 0, expected: 1, actual: 0), on: "auth.keys")
        try await waitUntil("source.opened.load(ordering: .relaxed) == 2") { source.opened.load(ordering: .relaxed) == 2 }
        #expect(catalog.directory.keys[key.kid] != nil)
        let next = try SigningKey.generate(.es256)
        source.publish(Fixture.keyEvent(next).signed, to: "auth.keys")
        try await waitUntil("catalog.directory.keys[next.kid] != nil") { catalog.directory.keys[next.kid] != nil }
    }
}
