import Crypto
import Foundation
import Redis
import ServiceKit

/// Failed-login counters in Redis, per username and per client address: after `limit`
/// failures within `window` for either, logins answer 429 until that window ends.
///
/// Fixed windows (INCR, with the expiry set by the first failure, in one script). The
/// username is stored only as its SHA-256, so Redis never holds names people mistyped.
struct LoginRateLimiter: Sendable {
    let redis: RedisClient
    /// Failures allowed per window (`LOGIN_RATE_LIMIT`).
    let limit: Int
    /// The window (`LOGIN_RATE_WINDOW`).
    let window: Duration

    static func usernameKey(_ username: String) -> String {
        "ratelimit:login:user:" + SHA256.hash(data: Array(username.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func addressKey(_ address: String) -> String { "ratelimit:login:addr:\(address)" }

    /// How long the caller must wait, or nil when it may try.
    /// - Throws: `RedisError`.
    func blockedFor(username: String, address: String) async throws -> Duration? {
        let reply = try await redis.evaluate(
            SessionScripts.blockedFor, keys: [Self.usernameKey(username), Self.addressKey(address)], arguments: [RedisArgument(limit)])
        guard let milliseconds = reply.integer, milliseconds > 0 else { return nil }
        return .milliseconds(milliseconds)
    }

    /// Counts one failed attempt for both.
    /// - Throws: `RedisError`.
    func recordFailure(username: String, address: String) async throws {
        try await redis.evaluate(
            SessionScripts.countFailure, keys: [Self.usernameKey(username), Self.addressKey(address)],
            arguments: [RedisArgument(SessionStore.milliseconds(window))])
    }

    /// A successful login clears the username's counter (not the address's: one address
    /// guessing many names stays limited).
    /// - Throws: `RedisError`.
    func recordSuccess(username: String) async throws {
        try await redis.del([Self.usernameKey(username)])
    }
}
