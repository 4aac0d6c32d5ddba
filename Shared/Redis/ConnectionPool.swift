import Synchronization

/// Lends each connection to one user at a time; users beyond the pool's size wait in order.
///
/// A lock rather than an actor: acquiring and releasing are a few instructions, and an actor
/// would add an executor hop to every command.
final class ConnectionPool: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<RedisConnection, any Error>
    }

    private struct State {
        var idle: [RedisConnection]
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
    }

    private let state: Mutex<State>

    init(_ connections: [RedisConnection]) {
        state = Mutex(State(idle: connections))
    }

    /// An idle connection, waiting for one if all are lent out.
    /// - Throws: `RedisError` `clientClosed`, or `CancellationError` if the task is cancelled
    ///   while waiting.
    func acquire() async throws -> RedisConnection {
        if let connection = try state.withLock({ state -> RedisConnection? in
            guard !state.isClosed else { throw Self.closedError }
            return state.idle.popLast()
        }) {
            return connection
        }
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Checked under the lock: a cancellation either happened before (seen here) or
                // comes after the waiter is registered (the handler finds and removes it).
                let result: Result<RedisConnection, any Error>? = state.withLock { state in
                    if state.isClosed { return .failure(Self.closedError) }
                    if let connection = state.idle.popLast() { return .success(connection) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a connection back: to the longest waiter, or to the idle list.
    func release(_ connection: RedisConnection) {
        let waiter = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.continuation.resume(returning: connection)
    }

    /// Fails every waiter and every later `acquire`.
    func close() {
        let waiters = state.withLock { state in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.closedError) }
    }

    private static var closedError: RedisError {
        RedisError(.clientClosed, command: nil, reason: "the client was closed")
    }
}
