import Logging
import Redis
import ServiceKit

/// Runs Redis work for a request with a deadline, so a Redis that is down or stopped turns
/// into a quick 503 `temporarily_unavailable` — never a hang, never a 500.
enum RedisCall {
    /// The longest a request waits for Redis in total. The client's own timeouts (connect 1 s,
    /// command ``commandTimeout``) usually answer first.
    static let deadline = Duration.milliseconds(2500)

    /// How long one command may wait for its reply before the client gives up on the connection.
    ///
    /// Close to ``deadline`` rather than the client's 1 s default: on a busy machine Redis can
    /// be runnable but not running for up to a second (docs/SOAK.md), and a timeout shorter
    /// than the request's own budget turns each such late reply into a 503, a dropped
    /// connection and a reconnect. Below the deadline, so that a Redis that is really
    /// gone is still reported by the client's error, not by the deadline.
    static let commandTimeout = Duration.seconds(2)

    /// Answers the calls past their deadline.
    static let watch = DeadlineWatch(tick: .milliseconds(100))

    /// Where a failed call says why, at warning level: a 503 with no cause in the log cannot be
    /// told apart from Redis being down (issue 21).
    static let logger = Logger(label: "issuer.redis")

    /// Runs `body`; a `RedisError` or the deadline becomes ``APIError/unavailable(_:)``.
    ///
    /// The work runs in its own task so that the caller is answered at the deadline (within a
    /// tick of ``watch``) even if a blocking call underneath has not returned yet; that task is
    /// cancelled and ends when the Redis client's own timeout fires.
    /// - Throws: ``APIError`` or what `body` throws otherwise.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            let once = Once(continuation)
            let work = Task {
                do { once.finish(.success(try await body())) } catch { once.finish(.failure(error)) }
            }
            watch.watch(until: .now + deadline) {
                guard once.finish(.failure(DeadlinePassed())) else { return }
                work.cancel()
            }
        }
        switch result {
        case .success(let value):
            return value
        case .failure(let error as RedisError):
            logger.warning(
                "Redis call failed",
                metadata: [
                    "code": "\(error.code)", "command": "\(error.command ?? "-")", "reason": "\(error.reason)",
                    "elapsed": "\(ContinuousClock.now - started)",
                ])
            throw APIError.unavailable("the session store is unavailable")
        case .failure(is DeadlinePassed):
            logger.warning("Redis call past its deadline", metadata: ["deadline": "\(deadline)"])
            throw APIError.unavailable("the session store is not answering")
        case .failure(let error):
            throw error
        }
    }
}

/// The deadline of a ``RedisCall`` passed before the work ended.
private struct DeadlinePassed: Error {}
