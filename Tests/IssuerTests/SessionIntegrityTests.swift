import AuthEvents
import Foundation
import Hummingbird
import HummingbirdTesting
import Redis
import Revocation
import Synchronization
import Testing
import TokenKit

@testable import Issuer

extension IssuerServiceTests {
    /// Issue 18 item 2: records only the issuer can write, and the user re-read at refresh.
    @Suite("Session records", .timeLimit(.minutes(2)))
    struct SessionIntegrityTests {
        /// Writes a session and a refresh record as someone with Redis access but not the
        /// issuer's key would, for a token of their choosing.
        static func forge(
            _ redis: RedisClient, subject: String = "admin", roles: String = #"["admin","user"]"#, sessionTag: String? = nil,
            refreshTag: String? = nil
        ) async throws -> RefreshToken {
            let sid = RandomID.make()
            let token = RefreshToken.generate(sessionID: sid)
            let nowMS = Int64(Date().timeIntervalSince1970 * 1000)
            var session: [RedisArgument] = [
                RedisArgument(SessionStore.sessionKey(sid)), "sub", RedisArgument(subject), "roles", RedisArgument(roles), "created_at",
                RedisArgument(nowMS), "expires_at", RedisArgument(nowMS + 3_600_000), "current", RedisArgument(token.digest),
            ]
            if let sessionTag { session += ["mac", RedisArgument(sessionTag)] }
            _ = try await redis.send(RedisCommand("HSET", session))
            var refresh: [RedisArgument] = [
                RedisArgument(SessionStore.refreshKey(token.digest)), "sid", RedisArgument(sid), "until", RedisArgument(nowMS + 3_600_000),
            ]
            if let refreshTag { refresh += ["mac", RedisArgument(refreshTag)] }
            _ = try await redis.send(RedisCommand("HSET", refresh))
            return token
        }

        @Test("A forged session and refresh record give invalid_grant and mint nothing, whatever tags they copy")
        func forgedRecordsMintNothing() async throws {
            let name = uniqueName("mona")
            try await withIssuer(users: [name: ("mona-password", ["user"])]) { issuer in
                let redis = issuer.components.redis
                // Real tags to copy: the attacker's own legitimate session.
                let own = try await issuer.loggedIn(name, "mona-password")
                let ownToken = try #require(RefreshToken(presented: own.refreshToken))
                let ownSession = try await redis.send("HGET", RedisArgument(SessionStore.sessionKey(ownToken.sessionID)), "mac").string
                let ownRefresh = try await redis.send("HGET", RedisArgument(SessionStore.refreshKey(ownToken.digest)), "mac").string
                let forgeries = [
                    try await Self.forge(redis),
                    try await Self.forge(redis, sessionTag: ownSession, refreshTag: ownRefresh),
                    try await Self.forge(redis, subject: name, roles: #"["user"]"#, sessionTag: ownSession, refreshTag: ownRefresh),
                    try await Self.forge(redis, sessionTag: "garbage", refreshTag: "x.y"),
                ]
                for forged in forgeries {
                    let response = try await issuer.refresh(forged.text)
                    #expect(response.status == .unauthorized)
                    #expect(response.errorCode == "invalid_grant")
                    #expect(response.json["access_token"] == nil, "no token minted")
                    #expect(response.headers[.setCookie] == nil, "no successor handed out")
                }
                // The attacker edits their own legitimate session: admin roles, a later end.
                try await redis.send(
                    "HSET", RedisArgument(SessionStore.sessionKey(ownToken.sessionID)), "roles", #"["admin","user"]"#)
                let edited = try await issuer.refresh(own.refreshToken)
                #expect(edited.status == .unauthorized)
                #expect(edited.json["access_token"] == nil)
                // Logout with a forged token revokes nothing it names (the sid is only a claim).
                let victim = try await issuer.loggedIn(name, "mona-password")
                let victimSid = try issuer.claims(victim.accessToken).sessionID
                let claimed = RefreshToken.generate(sessionID: victimSid)
                let logout = try await issuer.post(
                    "/auth/logout", headers: [.cookie: "refresh_token=\(claimed.text)", .xRequestedWith: "fetch"])
                #expect(logout.status == .noContent)
                #expect(try await issuer.refresh(victim.refreshToken).status == .ok, "the victim's session lives on")
            }
        }

        @Test("A record with the issuer's MAC survives a record-key rotation (old key kept), and records carry a tag")
        func recordsCarryTags() async throws {
            let name = uniqueName("nora")
            try await withTemporaryDirectory { folder in
                let keystore = folder + "/keys"
                let first = try await withIssuer(users: [name: ("nora-password", ["user"])], keystore: keystore) { issuer in
                    let tokens = try await issuer.loggedIn(name, "nora-password")
                    let token = try #require(RefreshToken(presented: tokens.refreshToken))
                    let tag = try await issuer.components.redis.send("HGET", RedisArgument(SessionStore.refreshKey(token.digest)), "mac")
                    #expect(tag.string?.contains(".") == true)
                    return tokens
                }
                let store = KeyStore(directory: keystore)
                var ring = try store.loadOrCreateRecordKeys(now: Date().timeIntervalSince1970)
                ring.rotate(now: Date().timeIntervalSince1970, retention: .seconds(86_400))
                try store.saveRecordKeys(ring)
                let current = ring.current
                try await withIssuer(users: [name: ("nora-password", ["user"])], keystore: keystore) { issuer in
                    #expect(issuer.components.sessions.authenticator.currentID == current)
                    let refreshed = try await issuer.refresh(first.refreshToken)
                    #expect(refreshed.status == .ok)
                }
            }
        }

        @Test("Refresh re-reads the user: new roles in the new token; disabled or deleted ends the session")
        func refreshRereadsTheUser() async throws {
            let name = uniqueName("olive")
            let store = InMemoryUserStore()
            try await store.save(User(username: name, passwordHash: try await Bcrypt10.hash("olive-password"), roles: ["user"]))
            try await withIssuer(userStore: store) { issuer in
                let tokens = try await issuer.loggedIn(name, "olive-password")
                try await store.save(
                    User(username: name, passwordHash: try await Bcrypt10.hash("olive-password"), roles: ["user", "auditor"]))
                let refreshed = try issuer.tokens(from: try await issuer.refresh(tokens.refreshToken))
                #expect(try issuer.claims(refreshed.accessToken).roles == ["user", "auditor"])

                var disabled = try #require(try await store.user(named: name))
                disabled.disabled = true
                try await store.save(disabled)
                let refused = try await issuer.refresh(refreshed.refreshToken)
                #expect(refused.status == .unauthorized)
                #expect(refused.errorCode == "invalid_grant")
                let sid = try issuer.claims(tokens.accessToken).sessionID
                #expect(try await issuer.components.redis.get("revoked:sid:\(sid)") != nil, "its access tokens are refused")
                #expect(try await issuer.login(name, "olive-password").errorCode == "invalid_credentials", "no login while disabled")

                disabled.disabled = false
                try await store.save(disabled)
                let again = try await issuer.loggedIn(name, "olive-password")
                #expect(try await store.delete(named: name))
                #expect(try await issuer.refresh(again.refreshToken).status == .unauthorized)
                let sid2 = try issuer.claims(again.accessToken).sessionID
                #expect(try await issuer.components.redis.get("revoked:sid:\(sid2)") != nil)
            }
        }

        @Test("A reuse after the grace window writes revoked:sid and its outbox entry in the script step that revokes the family")
        func reuseRevokesAtomically() async throws {
            let name = uniqueName("pia")
            try await withIssuer(["REFRESH_REUSE_GRACE": "100ms"], users: [name: ("pia-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "pia-password")
                let sessions = issuer.components.sessions, revoker = issuer.components.revoker
                let token = try #require(RefreshToken(presented: tokens.refreshToken))
                let sid = token.sessionID
                #expect(try await issuer.refresh(tokens.refreshToken).status == .ok)
                try await Task.sleep(for: .milliseconds(250))
                // The store alone, as if the issuer died right after the script: nothing published.
                let now = Date().timeIntervalSince1970
                let theft = revoker.prepare([revoker.session(id: sid, now: now)], now: now)[0]
                guard case .stolen = try await sessions.refresh(token, now: now, theft: theft) else {
                    Issue.record("reuse after the window was not detected")
                    return
                }
                let stored = try #require(try await issuer.components.redis.get("revoked:sid:\(sid)"), "written by the script")
                #expect(stored == theft.event)
                guard case .seconds(let ttl) = try await issuer.components.redis.ttl("revoked:sid:\(sid)") else {
                    Issue.record("no TTL")
                    return
                }
                #expect((900...930).contains(ttl))
                // Its event waits in the outbox, so the drain publishes it even though this
                // issuer "died" before publishing.
                let outbox =
                    try await issuer.components.redis.send(
                        "ZRANGE", RedisArgument(RevocationKeys.outbox), "0", "-1"
                    ).array?.compactMap(\.bytes) ?? []
                #expect(outbox.contains { RedisArgument($0) == theft.outbox.member })
            }
        }

        @Test("Logout-all takes its issued-before time only after every session is marked revoked")
        func logoutAllOrder() async throws {
            let name = uniqueName("quinn")
            try await withIssuer(users: [name: ("quinn-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "quinn-password")
                let sid = try issuer.claims(tokens.accessToken).sessionID
                let redis = issuer.components.redis
                let seen = Mutex<[Bool]>([])
                let revocation = SubjectRevocation(sessions: issuer.components.sessions, revoker: issuer.components.revoker)
                try await revocation.revoke(subject: name) {
                    let revoked = try await redis.send("HEXISTS", RedisArgument(SessionStore.sessionKey(sid)), "revoked").integer == 1
                    seen.withLock { $0.append(revoked) }
                    return Date().timeIntervalSince1970
                }
                #expect(seen.withLock { $0.last } == true, "the issued-before time was read after the session was revoked")
                #expect(try await issuer.refresh(tokens.refreshToken).status == .unauthorized)
            }
        }

        @Test("Two refresh cookies are refused (cookie tossing); __Host-refresh_token works with Path=/")
        func cookies() async throws {
            let name = uniqueName("rhea")
            try await withIssuer(users: [name: ("rhea-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "rhea-password")
                let tossed = try await issuer.post(
                    "/auth/refresh",
                    headers: [
                        .cookie: "refresh_token=\(tokens.refreshToken); refresh_token=\(tokens.refreshToken)", .xRequestedWith: "fetch",
                    ])
                #expect(tossed.status == .badRequest)
                #expect(tossed.errorCode == "invalid_request")
                #expect(try await issuer.refresh(tokens.refreshToken).status == .ok, "the refused request spent nothing")
            }
            try await withIssuer(["REFRESH_COOKIE_NAME": "__Host-refresh_token"], users: [name: ("rhea-password", ["user"])]) { issuer in
                let login = try await issuer.login(name, "rhea-password")
                let cookie = try #require(login.headers[.setCookie])
                #expect(cookie.hasPrefix("__Host-refresh_token="))
                #expect(cookie.contains("; Path=/;"))
                #expect(!cookie.contains("Domain"))
                let tokens = try issuer.tokens(from: login)
                #expect(try await issuer.refresh(tokens.refreshToken).status == .unauthorized, "the old name is not read")
                let refreshed = try await issuer.refresh(tokens.refreshToken, cookieName: "__Host-refresh_token")
                #expect(refreshed.status == .ok)
                #expect(refreshed.headers[.setCookie]?.hasPrefix("__Host-refresh_token=") == true)
            }
        }
    }
}
