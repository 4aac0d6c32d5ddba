import Foundation
import Hummingbird
import HummingbirdTesting
import Redis
import TestSupport
import Testing
import TokenKit

@testable import Issuer

extension IssuerServiceTests {
    /// Login against the real Redis and broker. Serialized: in-process router tests have no peer
    /// address, so they share one client-address counter ("unknown"), which each test clears.
    @Suite("Login", .serialized, .timeLimit(.minutes(2)))
    struct LoginTests {
        /// The contract's limits (other suites raise them, as they share the address counter).
        static let limits = ["LOGIN_RATE_LIMIT": "5", "LOGIN_RATE_WINDOW": "60s"]

        static func clearAddressCounter(_ issuer: TestIssuer) async throws {
            try await issuer.components.redis.del([LoginRateLimiter.addressKey("unknown")])
        }

        @Test("200 with an access token, the refresh cookie and its attributes")
        func loginSucceeds() async throws {
            let name = uniqueName("alice")
            try await withIssuer(Self.limits, users: [name: ("alice-password", ["user"])]) { issuer in
                try await Self.clearAddressCounter(issuer)
                let response = try await issuer.login(name, "alice-password")
                #expect(response.status == .ok)
                #expect(response.json["token_type"]?.stringValue == "Bearer")
                #expect(response.json["expires_in"] == .number(900))
                #expect(response.json["refresh_token"] == nil)
                #expect(response.headers[.cacheControl] == "no-store")
                let cookie = try #require(response.headers[.setCookie])
                for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/auth", "Max-Age=604800"] {
                    #expect(cookie.contains("; \(attribute)"), "cookie lacks \(attribute)")
                }
                let tokens = try issuer.tokens(from: response)
                #expect(RefreshToken(presented: tokens.refreshToken) != nil)
                let claims = try issuer.claims(tokens.accessToken)
                #expect(claims.subject == name)
                #expect(claims.roles == ["user"])
                #expect(claims.audience == ["api"])
                #expect(claims.expiresAt - claims.issuedAt >= 899)
                // The session exists in Redis, keyed by the token's hash only.
                let sid = try await issuer.components.redis.send(
                    "HGET", RedisArgument("refresh:" + RefreshToken(presented: tokens.refreshToken)!.digest), "sid"
                ).string
                #expect(sid == claims.sessionID)
            }
        }

        @Test("Non-browser clients can ask for the refresh token in the body (no cookie then)")
        func refreshTokenInBody() async throws {
            let name = uniqueName("app")
            try await withIssuer(Self.limits, users: [name: ("app-password", ["user"])]) { issuer in
                try await Self.clearAddressCounter(issuer)
                let response = try await issuer.login(name, "app-password", inBody: true)
                #expect(response.status == .ok)
                #expect(response.headers[.setCookie] == nil)
                let refresh = try #require(response.json["refresh_token"]?.stringValue)
                let next = try await issuer.post("/auth/refresh", json: "{\"refresh_token\":\"\(refresh)\"}")
                #expect(next.status == .ok)
                #expect(next.json["refresh_token"]?.stringValue != refresh)
            }
        }

        @Test("401 invalid_credentials, the same for an unknown user and a wrong password, in about the same time")
        func sameAnswerForUnknownUser() async throws {
            let name = uniqueName("bob")
            // More attempts than the contract's limit: this test compares timings, not limits.
            try await withIssuer(["LOGIN_RATE_LIMIT": "100"], users: [name: ("bob-password", ["user"])]) { issuer in
                try await Self.clearAddressCounter(issuer)
                let clock = ContinuousClock()
                var wrongTimes: [Duration] = []
                var unknownTimes: [Duration] = []
                var bodies = Set<String>()
                for _ in 0..<7 {
                    var wrong: TestResponse?
                    var unknown: TestResponse?
                    wrongTimes.append(try await clock.measure { wrong = try await issuer.login(name, "not-the-password") })
                    unknownTimes.append(try await clock.measure { unknown = try await issuer.login(uniqueName("nobody"), "whatever") })
                    #expect(wrong?.status == .unauthorized)
                    #expect(unknown?.status == .unauthorized)
                    #expect(wrong?.errorCode == "invalid_credentials")
                    bodies.formUnion([wrong, unknown].compactMap { $0.map { String(buffer: $0.body) } })
                }
                #expect(bodies.count == 1)
                // Both run one bcrypt check of the same cost (10: tens of milliseconds); medians, as
                // the machine is shared with other builds.
                let wrongMedian = wrongTimes.sorted()[3], unknownMedian = unknownTimes.sorted()[3]
                #expect(unknownMedian > .milliseconds(10))
                #expect(unknownMedian < wrongMedian * 3 && wrongMedian < unknownMedian * 3, "\(wrongMedian) vs \(unknownMedian)")
                try await Self.clearAddressCounter(issuer)
            }
        }

        @Test(
            "400 invalid_request for bodies that are not the login object; 413 past 16 KiB",
            arguments: [
                ("{\"username\":\"a\"}", "application/json"), ("not json", "application/json"), ("[1]", "application/json"),
                ("{\"username\":\"a\",\"password\":7}", "application/json"), ("{\"username\":\"a\",\"password\":\"b\"}", "text/plain"),
                ("{\"username\":\"a\",\"username\":\"b\",\"password\":\"c\"}", "application/json"),
            ])
        func badRequests(body: String, type: String) async throws {
            try await withIssuer(Self.limits) { issuer in
                let response = try await issuer.post("/auth/login", json: body, headers: [.contentType: type])
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "invalid_request")
            }
        }

        @Test("A body past 16 KiB is refused")
        func tooLarge() async throws {
            try await withIssuer(Self.limits) { issuer in
                let big = "{\"username\":\"a\",\"password\":\"" + String(repeating: "x", count: 17 * 1024) + "\"}"
                let response = try await issuer.post("/auth/login", json: big)
                #expect(response.status == .contentTooLarge)
                #expect(response.errorCode == "invalid_request")
            }
        }

        @Test("429 rate_limited with Retry-After after 5 failures for one username")
        func rateLimitedByUsername() async throws {
            let name = uniqueName("carol")
            try await withIssuer(Self.limits, users: [name: ("carol-password", ["user"])]) { issuer in
                try await Self.clearAddressCounter(issuer)
                for _ in 0..<5 {
                    #expect(try await issuer.login(name, "wrong").status == .unauthorized)
                    // Other addresses' failures are not what this test limits by.
                    try await Self.clearAddressCounter(issuer)
                }
                // Even the right password is refused now.
                let limited = try await issuer.login(name, "carol-password")
                #expect(limited.status == .tooManyRequests)
                #expect(limited.errorCode == "rate_limited")
                let retryAfter = try #require(limited.headers[.retryAfter].flatMap(Int.init))
                #expect((1...60).contains(retryAfter))
            }
        }

        @Test("Parallel guesses cannot slip past the limit: of 10 at once, at most 5 reach the password check")
        func parallelGuesses() async throws {
            let name = uniqueName("eve")
            // Enough password checks at once that none of the ten is refused 503 for that reason.
            let settings = Self.limits.merging(["PASSWORD_HASH_CONCURRENCY": "16"]) { $1 }
            try await withIssuer(settings, users: [name: ("eve-password", ["user"])]) { issuer in
                try await Self.clearAddressCounter(issuer)
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for _ in 0..<10 { group.addTask { try await issuer.login(name, "wrong").status } }
                    return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .unauthorized }.count == 5)
                #expect(statuses.filter { $0 == .tooManyRequests }.count == 5)
                try await Self.clearAddressCounter(issuer)
            }
        }

        @Test("A success gives its attempt back: 4 failures, a success, and the address can still try")
        func successGivesAttemptBack() async throws {
            let name = uniqueName("fay")
            try await withIssuer(Self.limits, users: [name: ("fay-password", ["user"])]) { issuer in
                try await Self.clearAddressCounter(issuer)
                for _ in 0..<4 { #expect(try await issuer.login(uniqueName("guess"), "wrong").status == .unauthorized) }
                #expect(try await issuer.login(name, "fay-password").status == .ok)
                #expect(try await issuer.login(uniqueName("guess"), "wrong").status == .unauthorized)
                #expect(try await issuer.login(name, "fay-password").status == .tooManyRequests)
                try await Self.clearAddressCounter(issuer)
            }
        }

        @Test("429 after 5 failures from one client address, whatever the usernames")
        func rateLimitedByAddress() async throws {
            let name = uniqueName("dave")
            try await withIssuer(Self.limits, users: [name: ("dave-password", ["user"])]) { issuer in
                try await Self.clearAddressCounter(issuer)
                for _ in 0..<5 {
                    #expect(try await issuer.login(uniqueName("guess"), "wrong").status == .unauthorized)
                }
                let limited = try await issuer.login(name, "dave-password")
                #expect(limited.status == .tooManyRequests)
                #expect(limited.headers[.retryAfter] != nil)
                try await Self.clearAddressCounter(issuer)
                #expect(try await issuer.login(name, "dave-password").status == .ok)
            }
        }

        @Test("A trusted proxy's X-Forwarded-For names the client; otherwise it is ignored")
        func clientAddress() {
            let request = Request(
                head: .init(
                    method: .post, scheme: "http", authority: "x", path: "/", headerFields: [.xForwardedFor: "203.0.113.9, 10.0.0.2"]),
                body: .init(buffer: ByteBuffer()))
            #expect(RequestReading.clientAddress(request, peer: "10.0.0.1", trustedProxies: []) == "10.0.0.1")
            #expect(RequestReading.clientAddress(request, peer: "10.0.0.1", trustedProxies: ["10.0.0.1", "10.0.0.2"]) == "203.0.113.9")
            #expect(RequestReading.clientAddress(request, peer: "198.51.100.1", trustedProxies: ["10.0.0.1"]) == "198.51.100.1")
        }
    }
}
