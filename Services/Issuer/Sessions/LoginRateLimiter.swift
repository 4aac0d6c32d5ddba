import Crypto
import Foundation
import Glibc
import Redis
import ServiceKit

/// Failed-login counters in Redis, per username and per client address (IPv6: per /64): after `limit`
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

    static func addressKey(_ address: String) -> String { "ratelimit:login:addr:\(counted(address))" }

    /// What the per-address counter counts: an IPv4 address as it is, an IPv6 address by its
    /// /64 (one subscriber usually holds a whole /64, and could otherwise try 2^64 addresses
    /// in turn); an IPv4-mapped IPv6 address as its IPv4 address.
    static func counted(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let unscoped = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        guard address.contains(":"), inet_pton(AF_INET6, unscoped, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12..<16].map { String($0) }.joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

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
