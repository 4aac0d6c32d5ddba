import Redis
import ServiceKit
import Synchronization

/// Runs Redis work for a request with a deadline, so a Redis that is down or stopped turns
/// into a quick 503 `temporarily_unavailable` — never a hang, never a 500.
enum RedisCall {
    /// The longest a request waits for Redis in total. The client's own connect and command
    /// timeouts (1 s each) usually answer first.
    static let deadline = Duration.milliseconds(2500)

    /// Runs `body`; a `RedisError` or the deadline becomes ``APIError/unavailable(_:)``.
    ///
    /// The work runs in its own task so that the caller is answered at the deadline even if a
    /// blocking call underneath has not returned yet; that task is cancelled and ends when the
    /// Redis client's own timeout fires.
    /// - Throws: ``APIError`` or what `body` throws otherwise.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            let once = Once(continuation)
            let work = Task {
                do { once.finish(.success(try await body())) } catch { once.finish(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: deadline)
                guard !Task.isCancelled else { return }
                once.finish(.failure(APIError.unavailable("the session store is not answering")))
                work.cancel()
            }
            // Whichever way it ends, the other task is no longer needed.
            once.onFinish { timer.cancel() }
        }
        switch result {
        case .success(let value): return value
        case .failure(is RedisError): throw APIError.unavailable("the session store is unavailable")
        case .failure(let error): throw error
        }
    }
}

/// Resumes a continuation exactly once, from whichever side finishes first.
private final class Once<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<T, any Error>, Never>?
        var finished = false
        var cleanup: (@Sendable () -> Void)?
    }

    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<Result<T, any Error>, Never>) { state = Mutex(State(continuation: continuation)) }

    /// Runs `cleanup` once finished (at once if it already is).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.finished { return true }
            state.cleanup = cleanup
            return false
        }
        if runNow { cleanup() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, cleanup) = state.withLock { state in
            defer {
                state.continuation = nil
                state.cleanup = nil
                state.finished = true
            }
            return (state.continuation, state.cleanup)
        }
        continuation?.resume(returning: result)
        cleanup?()
    }
}
