import Synchronization

/// Resumes a continuation exactly once, from whichever side finishes first: the work, or the
/// ``DeadlineWatch`` that gives up on it.
final class Once<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) { self.continuation = Mutex(continuation) }

    /// Resumes the continuation with `value` unless it was resumed before.
    /// - Returns: Whether this call resumed it.
    @discardableResult
    func finish(_ value: Value) -> Bool {
        guard let continuation = continuation.withLock({ $0.take() }) else { return false }
        continuation.resume(returning: value)
        return true
    }
}
