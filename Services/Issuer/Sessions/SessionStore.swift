import Foundation
import Redis
import Revocation
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
    /// The token was spent longer ago: treated as stolen, the session is now revoked and its
    /// `revoked:sid:` entry written.
    case stolen(Session)
    /// A record the refresh read does not carry the issuer's MAC: written by someone else.
    case forged
    /// Unknown, expired or revoked.
    case invalid
}

/// Refresh sessions in Redis (layout: docs/REDIS-KEYS.md). Every step that must be atomic is
/// one script (``SessionScripts``); every record a refresh reads back carries the issuer's MAC
/// (``RecordAuthenticator``), checked here.
struct SessionStore: Sendable {
    let redis: RedisClient
    /// Tags and checks the records.
    let authenticator: RecordAuthenticator
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
        let token = RefreshToken.generate(sessionID: sid)
        let nowMS = Self.milliseconds(now)
        let expiresMS = nowMS + Self.milliseconds(maximumAge)
        let life = min(Self.milliseconds(idleLifetime), expiresMS - nowMS)
        let rolesJSON = Self.rolesJSON(roles)
        let until = String(nowMS + life)
        try await redis.evaluate(
            SessionScripts.create,
            keys: [Self.sessionKey(sid), Self.refreshKey(token.digest), Self.userSessionsKey(subject)],
            arguments: [
                RedisArgument(subject), RedisArgument(rolesJSON), RedisArgument(nowMS), RedisArgument(expiresMS),
                RedisArgument(life), RedisArgument(token.digest), RedisArgument(sid),
                RedisArgument(authenticator.tag(.session, [sid, subject, rolesJSON, String(expiresMS)])),
                RedisArgument(authenticator.tag(.refresh, [token.digest, sid, until])), RedisArgument(until),
            ])
        return (Session(id: sid, subject: subject, roles: roles, expiresAt: Double(expiresMS) / 1000), token)
    }

    /// Spends a refresh token and rotates it, atomically and in one round trip: of two
    /// concurrent refreshes with one token exactly one rotates, and the other (within the grace
    /// window) gets the same successor. A reuse after the grace window revokes the session and
    /// writes `theft` (the session's revocation, prepared by the caller) and its outbox entry in
    /// the same step.
    /// - Throws: `RedisError`.
    func refresh(_ token: RefreshToken, now: Double, theft: Revoker.Prepared) async throws -> RefreshOutcome {
        let sid = token.sessionID
        let successor = RefreshToken.generate(sessionID: sid)
        let nowMS = Self.milliseconds(now)
        let until = String(nowMS + Self.milliseconds(idleLifetime))
        let sealed = try token.seal(successor: successor)
        let reply = try await redis.evaluate(
            SessionScripts.refresh,
            keys: [
                Self.refreshKey(token.digest), Self.successorKey(token.digest), Self.refreshKey(successor.digest), Self.sessionKey(sid),
                theft.key, RevocationKeys.outbox,
            ],
            arguments: [
                RedisArgument(nowMS), RedisArgument(Self.milliseconds(idleLifetime)),
                RedisArgument(max(1, Self.milliseconds(reuseGrace))), RedisArgument(successor.digest),
                RedisArgument(sealed), RedisArgument(sid), RedisArgument(authenticator.tag(.refresh, [successor.digest, sid, until])),
                RedisArgument(authenticator.tag(.successor, [Array(token.digest.utf8), Array(sid.utf8), sealed])),
                RedisArgument(until), RedisArgument(theft.event), RedisArgument(Self.milliseconds(theft.lifetime)),
                RedisArgument(String(theft.revokedAt)), theft.outbox.member,
            ])
        guard let parts = reply.array, let outcome = parts.first?.string, outcome != "invalid" else { return .invalid }
        guard parts.count >= 7, let subject = parts[1].string, let rolesJSON = parts[2].string, let expires = parts[3].string,
            let expiresMS = Double(expires)
        else { return .forged }
        // Nothing the script read counts unless the issuer wrote it.
        guard authenticator.isValid(parts[4].string, .session, [sid, subject, rolesJSON, expires]),
            authenticator.isValid(parts[5].string, .refresh, [token.digest, sid, parts[6].string ?? ""])
        else { return .forged }
        let session = Session(id: sid, subject: subject, roles: Self.roles(rolesJSON), expiresAt: expiresMS / 1000)
        switch outcome {
        case "rotated":
            // The idle deadline is the record's TTL too; checked here in case the TTL was removed.
            guard let deadline = parts[6].string.flatMap({ Int64($0) }), deadline > nowMS else { return .invalid }
            return .rotated(session, successor: successor)
        case "replayed":
            guard parts.count >= 9, let sealed = parts[7].bytes,
                authenticator.isValid(parts[8].string, .successor, [Array(token.digest.utf8), Array(sid.utf8), sealed])
            else { return .forged }
            guard let same = token.open(sealedSuccessor: sealed), same.sessionID == sid else { return .forged }
            return .replayed(session, successor: same)
        case "stolen": return .stolen(session)
        default: return .invalid
        }
    }

    /// The session a presented refresh token (live or spent) belongs to, or nil unless its
    /// record exists, names that session and carries the issuer's MAC: the sid inside a token
    /// is only a claim, and sids are no secret.
    /// - Throws: `RedisError`.
    func sessionID(of token: RefreshToken) async throws -> String? {
        let fields = try await redis.send("HMGET", RedisArgument(Self.refreshKey(token.digest)), "sid", "mac", "until").array ?? []
        let sid = token.sessionID
        guard fields.count == 3, fields[0].string == sid,
            authenticator.isValid(fields[1].string, .refresh, [token.digest, sid, fields[2].string ?? ""])
        else { return nil }
        return sid
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
