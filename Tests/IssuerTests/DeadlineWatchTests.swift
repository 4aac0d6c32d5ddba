import HTTPTypes
import ServiceKit
import Synchronization
import TestSupport
import Testing

@testable import Issuer

/// The shared watch behind ``RedisCall``'s deadline and the event delivery wait, with short ticks.
@Suite("Deadline watch", .timeLimit(.minutes(1)))
struct DeadlineWatchTests {
    @Test("Each expiry fires once, after its deadline and in order; the watch starts again after it went idle")
    func firesDueDeadlinesInOrder() async throws {
        let watch = DeadlineWatch(tick: .milliseconds(10))
        let fired = Mutex<[(Int, ContinuousClock.Instant)]>([])
        let start = ContinuousClock.now
        let dues = (0..<5).map { start + .milliseconds(50 * $0) }
        for (index, due) in dues.enumerated() {
            watch.watch(until: due) { fired.withLock { $0.append((index, .now)) } }
        }
        try await waitUntil("fired.withLock { $0.count } == dues.count") { fired.withLock { $0.count } == dues.count }
        let record = fired.withLock { $0 }
        #expect(record.map(\.0) == Array(0..<5))
        for (index, time) in record { #expect(time >= dues[index]) }
        // Idle now; a later deadline still fires, exactly once.
        try await Task.sleep(for: .milliseconds(100))
        let late = Atomic<Int>(0)
        watch.watch(until: .now + .milliseconds(20)) { late.add(1, ordering: .relaxed) }
        try await waitUntil("late.load(ordering: .relaxed) == 1") { late.load(ordering: .relaxed) == 1 }
        try await Task.sleep(for: .milliseconds(100))
        let firings = late.load(ordering: .relaxed)
        #expect(firings == 1)
    }

    @Test("A deadline not yet due does not fire")
    func waitsForTheDeadline() async throws {
        let watch = DeadlineWatch(tick: .milliseconds(10))
        let fired = Atomic<Bool>(false)
        watch.watch(until: .now + .seconds(5)) { fired.store(true, ordering: .relaxed) }
        try await Task.sleep(for: .milliseconds(200))
        let hasFired = fired.load(ordering: .relaxed)
        #expect(!hasFired)
    }

    @Test("A deadline earlier than those queued fires first, without waiting behind them")
    func earlierDeadlineDoesNotWaitBehindLaterOnes() async throws {
        let watch = DeadlineWatch(tick: .milliseconds(10))
        let fired = Mutex<[Int]>([])
        // The later deadlines are far off, so that a machine stalled for seconds (CI, every core
        // busy) cannot make them due before the early one is seen.
        watch.watch(until: .now + .seconds(50)) { fired.withLock { $0.append(0) } }
        watch.watch(until: .now + .seconds(40)) { fired.withLock { $0.append(1) } }
        let start = ContinuousClock.now
        watch.watch(until: start + .milliseconds(50)) { fired.withLock { $0.append(2) } }
        try await waitUntil("!fired.withLock { $0.isEmpty }") { !fired.withLock { $0.isEmpty } }
        let waited = ContinuousClock.now - start
        #expect(fired.withLock { $0 } == [2])
        #expect(waited < .seconds(30), "\(waited)")
    }

    @Test("RedisCall answers a hung call at its deadline, with 503 temporarily_unavailable")
    func redisCallAnswersAtTheDeadline() async throws {
        let clock = ContinuousClock()
        var thrown: (any Error)?
        let elapsed = await clock.measure {
            do { _ = try await RedisCall.run { try await Task.sleep(for: .seconds(20)) } } catch { thrown = error }
        }
        let error = try #require(thrown as? APIError)
        #expect(error.status == .serviceUnavailable && error.code == "temporarily_unavailable")
        // Well before the hung call's 20 s; the margin allows for a machine stalled for seconds
        // (CI once took 4.5 s more).
        #expect(elapsed >= RedisCall.deadline && elapsed < RedisCall.deadline + .seconds(10), "\(elapsed)")
    }
}
