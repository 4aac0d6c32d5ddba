import Foundation
import Hummingbird
import HummingbirdTesting
import Redis
import Revocation
import TestSupport
import Testing
import TokenKit

@testable import Issuer

extension IssuerServiceTests {
    @Suite("Logout", .timeLimit(.minutes(2)))
    struct LogoutTests {
        @Test("Logout with cookie and Bearer: 204, cookie cleared, session and access token revoked")
        func logout() async throws {
            let name = uniqueName("jack")
            try await withIssuer(users: [name: ("jack-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "jack-password")
                let claims = try issuer.claims(tokens.accessToken)
                let response = try await issuer.post(
                    "/auth/logout",
                    headers: [
                        .cookie: "refresh_token=\(tokens.refreshToken)", .xRequestedWith: "fetch",
                        .authorization: "Bearer \(tokens.accessToken)",
                    ])
                #expect(response.status == .noContent)
                #expect(response.headers[.setCookie]?.hasPrefix("refresh_token=;") == true)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
                #expect(try await issuer.refresh(tokens.refreshToken).status == .unauthorized)
                let redis = issuer.components.redis
                let jti = try #require(try await redis.get("revoked:jti:\(claims.tokenID)"))
                let event = try RevocationEvent(decoding: jti)
                #expect(event.expiresAt == claims.expiresAt + 30)
                #expect(try await redis.get("revoked:sid:\(claims.sessionID)") != nil)
                let keys = Set(issuer.recorder.all.filter { $0.topic == "test.auth.revocations" && $0.delivered }.map(\.key))
                #expect(keys.isSuperset(of: [claims.tokenID, claims.sessionID]))
                // Logging out again (a dead session, or nothing at all) is still 204.
                #expect(
                    try await issuer.post(
                        "/auth/logout", headers: [.cookie: "refresh_token=\(tokens.refreshToken)", .xRequestedWith: "fetch"]
                    ).status == .noContent)
                #expect(try await issuer.post("/auth/logout").status == .noContent)
            }
        }

        @Test("The outbox publishes only this issuer's own revocations: a forged entry is dropped, never signed")
        func outboxRefusesForgedEntries() async throws {
            try await withIssuer { issuer in
                let redis = issuer.components.redis, revoker = issuer.components.revoker
                let now = Date().timeIntervalSince1970
                let genuine = "genuine-\(UUID().uuidString.prefix(8))", forged = "forged-\(UUID().uuidString.prefix(8))"
                let mine = RevocationEvent(target: .token(id: genuine), expiresAt: now + 60, revokedAt: now - 5, issuer: revoker.issuer)
                let theirs = RevocationEvent(
                    target: .subject(id: forged, issuedBefore: now), expiresAt: now + 60, revokedAt: now - 5, issuer: "https://evil.example"
                )
                for (key, event) in [(genuine, mine), (forged, theirs)] {
                    _ = try await redis.send(
                        RedisCommand(
                            "ZADD",
                            [
                                RedisArgument(RevocationKeys.outbox), RedisArgument(String(now - 5)),
                                OutboxEntry(key: key, event: event.encoded).member,
                            ]))
                }
                _ = try await redis.send(
                    RedisCommand("ZADD", [RedisArgument(RevocationKeys.outbox), RedisArgument(String(now - 5)), "no newline"]))
                #expect(try await revoker.drainOutbox(now: now) >= 1)
                let published = issuer.recorder.all.filter { $0.topic == "test.auth.revocations" }
                #expect(published.contains { $0.key == genuine && $0.delivered })
                #expect(!published.contains { $0.key == forged })
                let left = try await redis.send(RedisCommand("ZRANGE", [RedisArgument(RevocationKeys.outbox), "0", "-1"])).array ?? []
                #expect(!left.contains { ($0.string ?? "").contains(forged) || $0.string == "no newline" })
            }
        }

        @Test("Logout with the cookie but no X-Requested-With is refused as CSRF")
        func logoutCSRF() async throws {
            let name = uniqueName("kate")
            try await withIssuer(users: [name: ("kate-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "kate-password")
                let response = try await issuer.post("/auth/logout", headers: [.cookie: "refresh_token=\(tokens.refreshToken)"])
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "csrf_rejected")
                #expect(try await issuer.refresh(tokens.refreshToken).status == .ok)
            }
        }

        @Test("Logout-all: every session of the subject ends, tokens issued before are refused, 401 without Bearer")
        func logoutAll() async throws {
            let name = uniqueName("liam")
            try await withIssuer(users: [name: ("liam-password", ["user"])]) { issuer in
                let laptop = try await issuer.loggedIn(name, "liam-password")
                let phone = try await issuer.loggedIn(name, "liam-password")
                #expect(try await issuer.post("/auth/logout-all").status == .unauthorized)
                let response = try await issuer.post("/auth/logout-all", headers: [.authorization: "Bearer \(laptop.accessToken)"])
                #expect(response.status == .noContent)
                #expect(try await issuer.refresh(laptop.refreshToken).status == .unauthorized)
                #expect(try await issuer.refresh(phone.refreshToken).status == .unauthorized)
                let stored = try #require(try await issuer.components.redis.get("revoked:sub:\(name)"))
                let event = try RevocationEvent(decoding: stored)
                guard case .subject(let subject, let before) = event.target
                else {
                    Issue.record("not a subject revocation")
                    return
                }
                #expect(subject == name)
                #expect(before >= (try issuer.claims(phone.accessToken)).issuedAt)
                #expect(issuer.recorder.all.contains { $0.topic == "test.auth.revocations" && $0.key == name && $0.delivered })
                // The old access token no longer works on the issuer either.
                let again = try await issuer.post("/auth/logout-all", headers: [.authorization: "Bearer \(phone.accessToken)"])
                #expect(again.status == .unauthorized)
                #expect(again.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
                // A new login after it works.
                try await Task.sleep(for: .milliseconds(5))
                let fresh = try await issuer.loggedIn(name, "liam-password")
                #expect(
                    try await issuer.post("/auth/logout-all", headers: [.authorization: "Bearer \(fresh.accessToken)"]).status == .noContent
                )
            }
        }
    }
}
