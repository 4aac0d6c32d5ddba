import HummingbirdBcrypt
import NIOCore
import NIOPosix
import ServiceKit
import Synchronization

/// Bcrypt hashing and checking on NIO's thread pool: a check costs tens to hundreds of
/// milliseconds by design and must never occupy a thread of Swift's cooperative pool.
///
/// At most ``concurrency`` checks run at once (`PASSWORD_HASH_CONCURRENCY`, default: the core
/// count); a login beyond that is answered 503 with `Retry-After` at once rather than queued
/// behind bcrypt, where every waiting login would cost its client the whole queue's time and a
/// flood of logins would hold memory and connections without bound.
struct PasswordHasher: Sendable {
    /// The cost of new hashes (log2 rounds); at least 10 (CONTRACT.md "Passwords").
    let cost: Int
    /// A hash of a random password with the cost the stored hashes have, checked for unknown
    /// users (and for passwords that can never be valid) so that they cost the same time as
    /// known ones (no user enumeration by timing).
    let dummyHash: String
    /// The checks that may run at once.
    let concurrency: Int
    private let running: Slots

    /// bcrypt reads at most 72 bytes and stops at a NUL: a longer password, or one with a NUL,
    /// would be checked by a prefix only. Such passwords are refused when set and never match.
    static let maximumPasswordBytes = 72

    /// Creates the hasher and its dummy hash.
    /// - Parameter dummyCost: the cost of the stored hashes (default: `cost`).
    static func make(cost: Int, dummyCost: Int? = nil, concurrency: Int = System.coreCount) async throws -> PasswordHasher {
        let secret = (0..<32).map { _ in String(UInt8.random(in: 33...126), radix: 16) }.joined()
        let dummyCost = UInt8(dummyCost ?? cost)
        let dummy = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(secret, cost: dummyCost) }
        return PasswordHasher(cost: cost, dummyHash: dummy, concurrency: concurrency)
    }

    /// A hasher for tools and tests: no dummy, no limit worth mentioning.
    init(cost: Int, dummyHash: String, concurrency: Int = 1024) {
        self.cost = cost
        self.dummyHash = dummyHash
        self.concurrency = max(1, concurrency)
        self.running = Slots()
    }

    /// Whether a password can be set: 1 to 72 bytes, no NUL.
    static func isAcceptable(_ password: String) -> Bool {
        !password.isEmpty && password.utf8.count <= maximumPasswordBytes && !password.utf8.contains(0)
    }

    /// The cost of a bcrypt hash (`$2b$12$…` → 12), or nil.
    static func cost(of hash: String) -> Int? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[1].hasPrefix("2"), let cost = Int(parts[2]) else { return nil }
        return cost
    }

    /// A new salted hash of `password`.
    /// - Throws: ``PasswordError`` for a password that ``isAcceptable(_:)`` refuses.
    func hash(_ password: String) async throws -> String {
        guard Self.isAcceptable(password) else { throw PasswordError() }
        return try await NIOThreadPool.singleton.runIfActive { [cost] in Bcrypt.hash(password, cost: UInt8(cost)) }
    }

    /// Whether `password` matches `hash`; with no hash (unknown user) or a password that can
    /// never be valid, the dummy is checked and the answer is false.
    /// - Throws: 503 `temporarily_unavailable` with `Retry-After` when ``concurrency`` checks
    ///   are running already.
    func verify(_ password: String, against hash: String?) async throws -> Bool {
        guard running.take(limit: concurrency) else {
            throw APIError(
                .serviceUnavailable, "temporarily_unavailable", "too many logins at once; try again shortly",
                headers: [.retryAfter: "1"])
        }
        defer { running.give() }
        let acceptable = Self.isAcceptable(password)
        let target = acceptable ? (hash ?? dummyHash) : dummyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return matches && acceptable && hash != nil
    }

    /// Checks running now.
    var inFlight: Int { running.count }
}

/// A password that bcrypt would check by a prefix only (over 72 bytes, or a NUL), or empty.
struct PasswordError: Error, CustomStringConvertible {
    var description: String { "the password must have 1 to 72 bytes and no NUL (bcrypt's limits)" }
}

/// A counter of running checks.
private final class Slots: Sendable {
    private let value = Atomic(0)

    var count: Int { value.load(ordering: .relaxed) }

    func take(limit: Int) -> Bool {
        while true {
            let current = value.load(ordering: .relaxed)
            guard current < limit else { return false }
            if value.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing).exchanged { return true }
        }
    }

    func give() { value.subtract(1, ordering: .releasing) }
}
