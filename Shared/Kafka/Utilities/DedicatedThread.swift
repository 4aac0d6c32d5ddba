import Foundation

/// Runs blocking work (librdkafka calls that wait) on a thread of its own, so that Swift's
/// cooperative pool is never blocked.
enum DedicatedThread {
    /// Starts `body` on a new thread and returns at once.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }

    /// Runs `body` on a new thread and returns its result.
    /// - Throws: what `body` throws.
    static func run<T: Sendable>(
        name: String, _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start(name: name) { continuation.resume(with: Result { try body() }) }
        }
    }
}
