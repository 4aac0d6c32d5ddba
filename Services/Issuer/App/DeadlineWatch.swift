import Synchronization

/// Fires the expiry of every ``RedisCall`` that outlives its deadline, from one task shared by
/// all calls instead of a timer task per call (which cost about 5 % of a refresh's CPU).
///
/// Every call waits the same time, so deadlines come in order: they queue first in, first out,
/// and one task, running only while something is queued, wakes every ``tick`` and fires those
/// that are due. A call that ended in time stays queued until its deadline, its expiry then a
/// no-op. A caller is therefore answered at most one tick after its deadline.
final class DeadlineWatch: Sendable {
    /// How often the watching task looks at the queue.
    let tick: Duration

    private struct Watched {
        let due: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        /// Deadlines in order; those before `head` are fired.
        var queue: [Watched] = []
        var head = 0
        var isWatching = false
    }

    private let state = Mutex(State())

    /// A watch that looks every `tick`.
    init(tick: Duration) { self.tick = tick }

    /// Calls `expire` once `due` has passed (up to one tick later). Deadlines should come in
    /// order; one that is a little earlier than the last one watched (two threads reading the
    /// clock at once) waits behind it.
    func watch(until due: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) {
        let start = state.withLock { state -> Bool in
            state.queue.append(Watched(due: due, expire: expire))
            defer { state.isWatching = true }
            return !state.isWatching
        }
        if start { Task { await self.watchQueue() } }
    }

    /// Fires what is due every tick, until nothing is left to watch.
    private func watchQueue() async {
        while true {
            try? await Task.sleep(for: tick)
            let (due, isEmpty) = state.withLock { state -> ([Watched], Bool) in
                let now = ContinuousClock.now
                let start = state.head
                while state.head < state.queue.count, state.queue[state.head].due <= now { state.head += 1 }
                let due = Array(state.queue[start..<state.head])
                // Drop the fired part once it is half the storage, so appends stay amortised O(1).
                if state.head * 2 >= state.queue.count {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                if state.queue.isEmpty { state.isWatching = false }
                return (due, state.queue.isEmpty)
            }
            for watched in due { watched.expire() }
            if isEmpty { return }
        }
    }
}
