import AuthEvents
import Foundation
import Redis
import Revocation
import Synchronization
import TestSupport
import Testing

/// `RedisRevocationSnapshot` against the test Redis: every entry, the scan running ahead while
/// MGETs of its pages are in flight, expired keys skipped, error replies thrown.
@Suite(.timeLimit(.minutes(1)))
struct RedisRevocationSnapshotTests {
    /// Records the most requests in flight at once (each made to last at least 5 ms, so
    /// requests that overlap are seen to), and can turn one command's reply into an error.
    final class Recording: RedisCommands {
        let redis: any RedisCommands
        let failing: String?
        let inFlight = Atomic<Int>(0)
        let mostInFlight = Atomic<Int>(0)
        let mgetsAnswered = Atomic<Int>(0)

        init(_ redis: any RedisCommands, failing: String? = nil) {
            self.redis = redis
            self.failing = failing
        }

        func send(_ command: RedisCommand) async throws -> RedisValue { try await redis.send(command) }

        func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
            let now = inFlight.add(1, ordering: .relaxed).newValue
            _ = mostInFlight.max(now, ordering: .relaxed)
            defer { _ = inFlight.subtract(1, ordering: .relaxed) }
            try await Task.sleep(for: .milliseconds(5))
            let replies = try await redis.pipeline(commands)
            if commands.first?.name == "MGET" { mgetsAnswered.add(1, ordering: .relaxed) }
            return zip(commands, replies).map { $0.name == failing ? .error("ERR injected") : $1 }
        }
    }

    @Test func readsEveryEntryWithTheScanRunningAhead() async throws {
        let redis = try RedisClient(configuration: RedisConfiguration(url: try TestEnvironment.redisURL()))
        let suffix = UUID().uuidString.prefix(8)
        let now = Date().timeIntervalSince1970
        let events = (0..<2_345).map { index in
            RevocationEvent(target: .token(id: "snap-\(suffix)-\(index)"), expiresAt: now + 600, revokedAt: now, issuer: Fixture.issuer)
        }
        let keys = (0..<events.count).map { "revoked:jti:snap-\(suffix)-\($0)" }
        // One more key that expires at once: a key SCAN still lists may be gone by MGET.
        let expired = "revoked:jti:snap-\(suffix)-expired"
        _ = try await redis.pipeline(
            zip(keys, events).map { RedisCommand("SET", RedisArgument($0), RedisArgument($1.encoded), "EX", 600) }
                + [RedisCommand("SET", RedisArgument(expired), "x", "PX", 1)])
        try await Task.sleep(for: .milliseconds(20))

        let recording = Recording(redis)
        var pages = 0
        var values = Set<[UInt8]>()
        try await RedisRevocationSnapshot(redis: recording, pageSize: 100).forEachPage { page in
            pages += 1
            values.formUnion(page)
        }
        #expect(Set(events.map(\.encoded)).isSubset(of: values))
        #expect(!values.contains(Array("x".utf8)))
        #expect(pages >= events.count / 100)
        // The next SCAN overlaps the MGETs of the pages already found (at most the scan and 2).
        #expect((2...3).contains(recording.mostInFlight.load(ordering: .relaxed)))
        // Left behind only if the test failed before: they expire within 10 minutes.
        try await redis.del(keys)
        try await redis.close()
    }

    /// While the caller decodes a page, the scan and the fetches go on, up to the window.
    @Test func fetchingGoesOnWhileTheCallerDecodesUpToTheWindow() async throws {
        let redis = try RedisClient(configuration: RedisConfiguration(url: try TestEnvironment.redisURL()))
        let suffix = UUID().uuidString.prefix(8)
        let keys = (0..<3_000).map { "revoked:jti:window-\(suffix)-\($0)" }
        _ = try await redis.pipeline(keys.map { RedisCommand("SET", RedisArgument($0), "v", "EX", 600) })
        let recording = Recording(redis)
        var pages = 0
        var aheadWhilePaused = 0
        try await RedisRevocationSnapshot(redis: recording, pageSize: 100, window: 6).forEachPage { _ in
            pages += 1
            guard pages == 1 else { return }
            // The first page takes long to decode: block (as decoding does) until the fetcher has
            // used every credit of its window, or 20 s, then a little longer to see it stop there.
            let deadline = ContinuousClock.now + .seconds(20)
            while recording.mgetsAnswered.load(ordering: .relaxed) < 6, ContinuousClock.now < deadline { usleep(5_000) }
            usleep(300_000)
            aheadWhilePaused = recording.mgetsAnswered.load(ordering: .relaxed) - 1
        }
        // Pages of keys this test did not write may come too (the test Redis is shared).
        #expect(pages >= keys.count / 100)
        // Fetched ahead while this page was decoded: the rest of the window (6), and no more.
        #expect(aheadWhilePaused == 5, "\(aheadWhilePaused) pages fetched ahead")
        try await redis.del(keys)
        try await redis.close()
    }

    @Test(arguments: ["SCAN", "MGET"]) func anErrorReplyFailsTheLoad(command: String) async throws {
        let redis = try RedisClient(configuration: RedisConfiguration(url: try TestEnvironment.redisURL()))
        let key = "revoked:jti:snap-error-\(UUID().uuidString.prefix(8))"
        let now = Date().timeIntervalSince1970
        let event = RevocationEvent(target: .token(id: key), expiresAt: now + 60, revokedAt: now, issuer: Fixture.issuer)
        try await redis.set(key, to: RedisArgument(event.encoded), expiration: .seconds(60))
        let snapshot = RedisRevocationSnapshot(redis: Recording(redis, failing: command), pageSize: 1000)
        await #expect(throws: RedisError.self) { try await snapshot.forEachPage { _ in } }
        try await redis.del([key])
        try await redis.close()
    }
}
