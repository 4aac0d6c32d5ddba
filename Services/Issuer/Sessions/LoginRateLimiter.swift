import Crypto
import Foundation
import Redis
import ServiceKit

/// Failed-login counters in Redis, per username and per client address: after `limit`
/// failures within `window` for either, logins answer 429 until that window ends.
///
/// Fixed windows (INCR, with the expiry set by the first attempt). Each attempt is counted
/// before the password is checked, in the same script that checks the limit, so concurrent
/// guesses cannot slip past it. Only a wrong password (or an unknown user) keeps its count: a
/// success takes it back, and so does every attempt that ended without a verdict on the
/// password (a 5xx, a timeout, a cancelled request), so our own trouble never locks anybody
/// out. The username is stored only as its SHA-256, so Redis never holds names people mistyped.
struct LoginRateLimiter: Sendable {
    let redis: RedisClient
    /// Failures allowed per window (`LOGIN_RATE_LIMIT`).
    let limit: Int
    /// The window (`LOGIN_RATE_WINDOW`).
    let window: Duration

    static func usernameKey(_ username: String) -> String {
        "ratelimit:login:user:" + SHA256.hash(data: Array(username.utf8)).lowercaseHex
    }

    static func addressKey(_ address: String) -> String { "ratelimit:login:addr:\(address)" }

    /// Takes one attempt for the username and the address.
    /// - Returns: how long the caller must wait when either is at the limit (nothing is counted
    ///   then), or nil when the attempt was counted and the password may be checked.
    /// - Throws: `RedisError`.
    func attempt(username: String, address: String) async throws -> Duration? {
        let reply = try await redis.evaluate(
            SessionScripts.attempt, keys: [Self.usernameKey(username), Self.addressKey(address)],
            arguments: [RedisArgument(limit), RedisArgument(SessionStore.milliseconds(window))])
        guard let milliseconds = reply.integer, milliseconds > 0 else { return nil }
        return .milliseconds(milliseconds)
    }

    /// A successful login clears the username's counter and gives the attempt back to the
    /// address (one address guessing many names stays limited by its failures).
    /// - Throws: `RedisError`.
    func recordSuccess(username: String, address: String) async throws {
        try await redis.evaluate(SessionScripts.succeeded, keys: [Self.usernameKey(username), Self.addressKey(address)])
    }

    /// Gives an attempt back to both counters (each only if it still holds one).
    /// - Throws: `RedisError`.
    func giveBack(username: String, address: String) async throws {
        try await redis.evaluate(SessionScripts.giveBack, keys: [Self.usernameKey(username), Self.addressKey(address)])
    }
}
