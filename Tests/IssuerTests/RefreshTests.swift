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
    @Suite("Refresh", .timeLimit(.minutes(2)))
    struct RefreshTests {
        @Test("Refresh rotates: a new cookie, a new access token of the same session, the old token spent")
        func rotation() async throws {
            let name = uniqueName("erin")
            try await withIssuer(users: [name: ("erin-password", ["user"])]) { issuer in
                let first = try await issuer.loggedIn(name, "erin-password")
                let response = try await issuer.refresh(first.refreshToken)
                #expect(response.status == .ok)
                let second = try issuer.tokens(from: response)
                #expect(second.refreshToken != first.refreshToken)
                #expect(second.setCookie?.contains("HttpOnly; Secure; SameSite=Strict; Path=/auth") == true)
                let before = try issuer.claims(first.accessToken)
                let after = try issuer.claims(second.accessToken)
                #expect(after.sessionID == before.sessionID)
                #expect(after.tokenID != before.tokenID)
                // The successor works; a token never issued does not.
                #expect(try await issuer.refresh(second.refreshToken).status == .ok)
                let bogus = try await issuer.refresh(RefreshToken.generate(sessionID: RandomID.make()).text)
                #expect(bogus.status == .unauthorized)
                #expect(bogus.errorCode == "invalid_grant")
                #expect(try await issuer.refresh("not-a-token").errorCode == "invalid_grant")
                #expect(try await issuer.post("/auth/refresh", headers: [.xRequestedWith: "fetch"]).errorCode == "invalid_grant")
            }
        }

        @Test(
            "403 csrf_rejected: no X-Requested-With, a foreign Origin, Sec-Fetch-Site cross-site",
            arguments: [
                HTTPFields(), [.xRequestedWith: "  "], [.xRequestedWith: "fetch", .origin: "https://evil.example"],
                [.xRequestedWith: "fetch", .origin: "null"], [.xRequestedWith: "fetch", .secFetchSite: "cross-site"],
            ] as [HTTPFields])
        func csrfRefused(headers: HTTPFields) async throws {
            let name = uniqueName("frank")
            try await withIssuer(["ALLOWED_ORIGINS": "https://app.example"], users: [name: ("frank-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "frank-password")
                let response = try await issuer.refresh(tokens.refreshToken, headers: headers)
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "csrf_rejected")
                // The refused request spent nothing, and an allowed origin is fine.
                let allowed = try await issuer.refresh(
                    tokens.refreshToken, headers: [.xRequestedWith: "fetch", .origin: "https://app.example", .secFetchSite: "same-site"])
                #expect(allowed.status == .ok)
            }
        }

        @Test("Two concurrent refreshes with one token: exactly one rotation, both get the same successor")
        func concurrentRefreshes() async throws {
            let name = uniqueName("gina")
            try await withIssuer(users: [name: ("gina-password", ["user"])]) { issuer in
                for _ in 0..<5 {
                    let tokens = try await issuer.loggedIn(name, "gina-password")
                    async let one = issuer.refresh(tokens.refreshToken)
                    async let two = issuer.refresh(tokens.refreshToken)
                    let (a, b) = try await (one, two)
                    #expect(a.status == .ok && b.status == .ok)
                    let successorA = try issuer.tokens(from: a).refreshToken
                    let successorB = try issuer.tokens(from: b).refreshToken
                    #expect(successorA == successorB)
                    // One session, one live successor: it rotates once more.
                    #expect(try await issuer.refresh(successorA).status == .ok)
                }
            }
        }

        @Test("A spent token presented again within the grace window gets the same successor")
        func reuseWithinGrace() async throws {
            let name = uniqueName("hank")
            try await withIssuer(users: [name: ("hank-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "hank-password")
                let first = try issuer.tokens(from: try await issuer.refresh(tokens.refreshToken))
                try await Task.sleep(for: .milliseconds(200))
                let again = try await issuer.refresh(tokens.refreshToken)
                #expect(again.status == .ok)
                #expect(try issuer.tokens(from: again).refreshToken == first.refreshToken)
                // The successor is kept only encrypted under a key derived from the spent token.
                let digest = RefreshToken(presented: tokens.refreshToken)!.digest
                let sealed = try #require(
                    try await issuer.components.redis.send("HGET", RedisArgument(SessionStore.successorKey(digest)), "sealed").bytes)
                #expect(!sealed.isEmpty)
                let successorBytes = Base64URL.decode(first.refreshToken)!
                #expect(sealed.count == 12 + RefreshToken.byteCount + 16)
                #expect(!String(decoding: sealed, as: UTF8.self).contains(first.refreshToken))
                #expect(sealed.firstRange(of: successorBytes) == nil)
                let successorRecord = SessionStore.refreshKey(RefreshToken(presented: first.refreshToken)!.digest)
                #expect(try await issuer.components.redis.send("EXISTS", RedisArgument(successorRecord)).integer == 1)
            }
        }

        @Test("After the grace window a spent token revokes the session: Redis entry, then a published revocation")
        func reuseAfterGrace() async throws {
            let name = uniqueName("iris")
            try await withIssuer(["REFRESH_REUSE_GRACE": "300ms"], users: [name: ("iris-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "iris-password")
                let sid = try issuer.claims(tokens.accessToken).sessionID
                let successor = try issuer.tokens(from: try await issuer.refresh(tokens.refreshToken))
                try await Task.sleep(for: .milliseconds(600))
                let stolen = try await issuer.refresh(tokens.refreshToken)
                #expect(stolen.status == .unauthorized)
                #expect(stolen.errorCode == "invalid_grant")
                // The whole family is dead: the successor no longer refreshes.
                #expect(try await issuer.refresh(successor.refreshToken).status == .unauthorized)
                // Redis: revoked:sid:<sid> holds the event JSON, with a TTL of one access lifetime + leeway.
                let stored = try #require(try await issuer.components.redis.get("revoked:sid:\(sid)"))
                let event = try RevocationEvent(decoding: stored)
                #expect(event.target == .session(id: sid))
                guard case .seconds(let ttl) = try await issuer.components.redis.ttl("revoked:sid:\(sid)") else {
                    Issue.record("no TTL")
                    return
                }
                #expect((900...930).contains(ttl))
                // And the same bytes were delivered to the broker, keyed by the sid.
                let published = issuer.recorder.all.filter { $0.topic == "test.auth.revocations" && $0.key == sid }
                #expect(published.count == 1)
                #expect(published.first?.delivered == true)
                #expect(try published.first.map { try issuer.opened($0.value) } == stored)
            }
        }
    }
}

extension IssuerServiceTests {
    @Suite("CORS for allowed origins", .timeLimit(.minutes(1)))
    struct CORSTests {
        @Test("An allowed origin gets a credentialed preflight and response headers; another origin gets none")
        func cors() async throws {
            try await withIssuer(["ALLOWED_ORIGINS": "https://app.example"]) { issuer in
                let preflight = try await issuer.client.execute(
                    uri: "/auth/refresh", method: .options,
                    headers: [.origin: "https://app.example", .accessControlRequestMethod: "POST"])
                #expect(preflight.status == .noContent)
                #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.example")
                #expect(preflight.headers[.accessControlAllowCredentials] == "true")
                #expect(preflight.headers[.accessControlAllowHeaders]?.contains("X-Requested-With") == true)
                let foreign = try await issuer.client.execute(
                    uri: "/auth/refresh", method: .options,
                    headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"])
                #expect(foreign.headers[.accessControlAllowOrigin] == nil)
            }
        }

        @Test("Errors carry the CORS headers too: a page reads 401 and 403 with their JSON, not a network error")
        func corsOnErrors() async throws {
            try await withIssuer(["ALLOWED_ORIGINS": "https://app.example"]) { issuer in
                let page: HTTPFields = [.origin: "https://app.example"]
                let wrongPassword = try await issuer.post(
                    "/auth/login", json: #"{"username":"nobody","password":"wrong"}"#, headers: page)
                let spent = try await issuer.refresh("not-a-token", headers: [.origin: "https://app.example", .xRequestedWith: "fetch"])
                let noHeader = try await issuer.post("/auth/refresh", headers: page)
                for (response, status, code) in [
                    (wrongPassword, HTTPResponse.Status.unauthorized, "invalid_credentials"), (spent, .unauthorized, "invalid_grant"),
                    (noHeader, .forbidden, "csrf_rejected"),
                ] {
                    #expect(response.status == status)
                    #expect(response.errorCode == code)
                    #expect(response.headers[.accessControlAllowOrigin] == "https://app.example")
                    #expect(response.headers[.accessControlAllowCredentials] == "true")
                    #expect(response.headers[.accessControlExposeHeaders]?.contains("Retry-After") == true)
                }
                let foreign = try await issuer.post(
                    "/auth/login", json: #"{"username":"nobody","password":"wrong"}"#, headers: [.origin: "https://evil.example"])
                #expect(foreign.status == .unauthorized)
                #expect(foreign.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }
}
