import Foundation

/// Runs blocking work — waiting for a child process or a pipe's end — on a thread of its own,
/// and suspends the caller until it is done.
///
/// Swift's cooperative pool has one thread per core, two on our CI machine. A test that holds
/// them stalls the tasks of every other test in the process, and their deadlines fire although
/// nothing is wrong: the issuer answered a test's login with 503 because its 2.5 s Redis
/// deadline ran out while the pool was busy elsewhere.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result(catching: body)) }.start()
    }
}

/// Runs seconds of computation on the one queue kept for it, off the cooperative pool.
///
/// Heavy tests take turns there, so together they use at most one core and the other stays
/// free for the tests that measure time.
public func onTheHeavyLane<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        heavyLane.async { continuation.resume(with: Result(catching: body)) }
    }
}

private let heavyLane = DispatchQueue(label: "tests.heavy-lane")
