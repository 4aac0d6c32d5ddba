import Foundation
import Redis
import ServiceKit
import TokenKit

/// A refresh session as the access tokens of its family see it.
struct Session: Sendable, Equatable {
    /// The `sid`.
    var id: String
    /// The user.
    var subject: String
    /// The roles granted at login.
    var roles: [String]
    /// The absolute end of the session (seconds since the epoch).
    var expiresAt: Double
}

/// What a refresh did.
enum RefreshOutcome: Sendable, Equatable {
    /// The token was spent and `successor` is the new live token.
    case rotated(Session, successor: RefreshToken)
    /// The token was already spent within the grace window: the same successor again.
    case replayed(Session, successor: RefreshToken)
    /// The token was spent longer ago: treated as stolen, the session is now revoked.
    case stolen(Session)
    /// Unknown, expired or revoked.
    case invalid
}

/// Refresh sessions in Redis (layout: docs/REDIS-KEYS.md). Every step that must be atomic is
/// one script (``SessionScripts``).
struct SessionStore: Sendable {
    let redis: RedisClient
    /// Idle lifetime of a refresh token (`REFRESH_TOKEN_TTL`).
    let idleLifetime: Duration
    /// Absolute lifetime of a session (`SESSION_MAX_AGE`).
    let maximumAge: Duration
    /// Reuse grace window (`REFRESH_REUSE_GRACE`).
    let reuseGrace: Duration

    static func sessionKey(_ sid: String) -> String { "session:\(sid)" }
    static func refreshKey(_ digest: String) -> String { "refresh:\(digest)" }
    static func successorKey(_ digest: String) -> String { "refresh-successor:\(digest)" }
    static func userSessionsKey(_ subject: String) -> String { "user-sessions:\(subject)" }

    /// Starts a session for a user and returns it with its first refresh token.
    /// - Throws: `RedisError`.
    func create(subject: String, roles: [String], now: Double) async throws -> (Session, RefreshToken) {
        let sid = RandomID.make()
        let token = RefreshToken.generate()
        let nowMS = Self.milliseconds(now)
        let expiresMS = nowMS + Self.milliseconds(maximumAge)
        let life = min(Self.milliseconds(idleLifetime), expiresMS - nowMS)
        try await redis.evaluate(
            SessionScripts.create,
            keys: [Self.sessionKey(sid), Self.refreshKey(token.digest), Self.userSessionsKey(subject)],
            arguments: [
                RedisArgument(subject), RedisArgument(Self.rolesJSON(roles)), RedisArgument(nowMS), RedisArgument(expiresMS),
                RedisArgument(life), RedisArgument(token.digest), RedisArgument(sid),
            ])
        return (Session(id: sid, subject: subject, roles: roles, expiresAt: Double(expiresMS) / 1000), token)
    }

    /// The session a refresh token belongs to (live or spent), or nil.
    /// - Throws: `RedisError`.
    func sessionID(of token: RefreshToken) async throws -> String? {
        try await redis.send("HGET", RedisArgument(Self.refreshKey(token.digest)), "sid").string
    }

    /// Spends a refresh token and rotates it, atomically and in one round trip: of two
    /// concurrent refreshes with one token exactly one rotates, and the other (within the grace
    /// window) gets the same successor.
    /// - Throws: `RedisError`.
    func refresh(_ token: RefreshToken, now: Double) async throws -> RefreshOutcome {
        let successor = RefreshToken.generate()
        let reply = try await redis.evaluate(
            SessionScripts.refresh,
            keys: [Self.refreshKey(token.digest), Self.successorKey(token.digest), Self.refreshKey(successor.digest)],
            arguments: [
                RedisArgument(Self.milliseconds(now)), RedisArgument(Self.milliseconds(idleLifetime)),
                RedisArgument(max(1, Self.milliseconds(reuseGrace))), RedisArgument(successor.digest),
                RedisArgument(try token.seal(successor: successor)), RedisArgument(Self.sessionKey("")),
            ])
        guard let parts = reply.array, let outcome = parts.first?.string else { return .invalid }
        guard parts.count >= 5, let sid = parts[1].string, let subject = parts[2].string, let rolesJSON = parts[3].string,
            let expiresMS = parts[4].string.flatMap({ Double($0) })
        else { return .invalid }
        let session = Session(id: sid, subject: subject, roles: Self.roles(rolesJSON), expiresAt: expiresMS / 1000)
        switch outcome {
        case "rotated": return .rotated(session, successor: successor)
        case "replayed":
            guard parts.count >= 6, let sealed = parts[5].bytes, let same = token.open(sealedSuccessor: sealed) else { return .invalid }
            return .replayed(session, successor: same)
        case "stolen": return .stolen(session)
        default: return .invalid
        }
    }

    /// Revokes one session. - Returns: its subject, or nil when it was unknown.
    /// - Throws: `RedisError`.
    @discardableResult
    func revoke(sessionID sid: String, now: Double) async throws -> String? {
        try await redis.evaluate(SessionScripts.revoke, keys: [Self.sessionKey(sid)], arguments: [RedisArgument(Self.milliseconds(now))])
            .string
    }

    /// Revokes every session of a subject. - Returns: the sids revoked.
    /// - Throws: `RedisError`.
    func revokeAll(subject: String, now: Double) async throws -> [String] {
        let sids = try await redis.smembers(Self.userSessionsKey(subject)).map { String(decoding: $0, as: UTF8.self) }
        var revoked: [String] = []
        for sid in sids {
            if try await revoke(sessionID: sid, now: now) != nil {
                revoked.append(sid)
            } else {
                try await redis.send("SREM", RedisArgument(Self.userSessionsKey(subject)), RedisArgument(sid))
            }
        }
        return revoked
    }

    /// How long a cookie for a token issued now should live: the idle lifetime, capped by the
    /// session's absolute end.
    func cookieLifetime(of session: Session, now: Double) -> Int {
        max(0, Int(min(idleLifetime.seconds, session.expiresAt - now)))
    }

    static func milliseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded(.down)) }
    static func milliseconds(_ duration: Duration) -> Int64 { Int64((duration.seconds * 1000).rounded()) }

    static func rolesJSON(_ roles: [String]) -> String { JSONValue.array(roles.map(JSONValue.string)).jsonText }

    static func roles(_ json: String) -> [String] {
        (try? JSONValue.parse(Array(json.utf8)))?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
