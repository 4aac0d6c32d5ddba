import Synchronization

/// Fires the expiry of every wait that outlives its deadline (a ``RedisCall``, an event's
/// delivery), from one task shared by all of them instead of a timer task per wait (which cost
/// about 5 % of a refresh's CPU).
///
/// Deadlines are kept in order. Callers of one watch mostly wait the same time, so a new
/// deadline almost always goes at the end; one task, running only while something is queued,
/// wakes every ``tick`` and fires those that are due. A wait that ended in time stays queued
/// until its deadline, its expiry then a no-op. A caller is therefore answered at most one tick
/// after its deadline.
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

    /// Calls `expire` once `due` has passed (up to one tick later).
    func watch(until due: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) {
        let start = state.withLock { state -> Bool in
            // Found from the back: a deadline earlier than the last one is rare (another wait,
            // or two threads reading the clock at once) and usually only a little earlier.
            var index = state.queue.endIndex
            while index > state.head, state.queue[index - 1].due > due { index -= 1 }
            state.queue.insert(Watched(due: due, expire: expire), at: index)
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
