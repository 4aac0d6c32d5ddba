import HummingbirdBcrypt
import NIOPosix

/// Bcrypt hashing and checking on NIO's thread pool: a check costs tens to hundreds of
/// milliseconds by design and must never occupy a thread of Swift's cooperative pool.
struct PasswordHasher: Sendable {
    /// The cost of new hashes (log2 rounds); at least 10 (CONTRACT.md "Passwords").
    let cost: Int
    /// A hash of a random password with the same cost, checked for unknown users so that
    /// they cost the same time as known ones (no user enumeration by timing).
    let dummyHash: String

    /// Creates the hasher and its dummy hash.
    static func make(cost: Int) async throws -> PasswordHasher {
        let secret = (0..<32).map { _ in String(UInt8.random(in: 33...126), radix: 16) }.joined()
        let dummy = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(secret, cost: UInt8(cost)) }
        return PasswordHasher(cost: cost, dummyHash: dummy)
    }

    /// A new salted hash of `password`.
    func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { [cost] in Bcrypt.hash(password, cost: UInt8(cost)) }
    }

    /// Whether `password` matches `hash`; with no hash (unknown user) the dummy is checked and
    /// the answer is false.
    func verify(_ password: String, against hash: String?) async throws -> Bool {
        let target = hash ?? dummyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return matches && hash != nil
    }
}
