import BearerAuth
import Foundation
import Hummingbird
import HummingbirdTesting
import KeyDistribution
import Logging
import Prometheus
import Revocation
import ServiceKit
import TestSupport
import Testing
import TokenKit

@testable import Resource

/// The resource routes in process, with tokens signed by a TokenKit `SigningKey`.
@Suite struct ResourceRouteTests {
    static let issuer = "http://127.0.0.1:8080"
    let key: SigningKey
    let catalog = KeyCatalog(issuer: Fixture.issuer)
    let revocations = RevocationSet()

    init() throws {
        revocations.markComplete(true)
        key = try SigningKey.generate(.es256)
        let now = Date().timeIntervalSince1970
        try catalog.apply(
            KeyEvent(
                key: key.verificationKey, timeline: KeyTimeline(kid: key.kid, publishedAt: now - 10, activatesAt: now - 10),
                issuer: Self.issuer, announcedAt: now, validUntil: now + 3600), now: Fixture.now)
        catalog.rebuild(now: now)
    }

    func app(refreshKeys: (@Sendable () async -> Bool)? = nil) throws -> some ApplicationProtocol {
        let verifier = AccessTokenVerifier(
            policy: try ValidationPolicy(issuer: Self.issuer, audience: "api"), keys: catalog.directory, revocations: revocations)
        let components = ResourceComponents(
            verifier: verifier, challenge: BearerChallenge(realm: "resource"), refreshKeys: refreshKeys, revocations: revocations,
            operational: OperationalRoutes(readiness: Readiness(), registry: PrometheusCollectorRegistry()))
        return Application(router: buildRouter(components))
    }

    func token(
        roles: [String] = ["user"], jti: String = UUID().uuidString, expiresIn: Double = 900, audience: String = "api",
        with signer: SigningKey? = nil
    ) throws -> String {
        let now = Date().timeIntervalSince1970
        let claims = AccessTokenClaims(
            issuer: Self.issuer, subject: "alice", audience: [audience], expiresAt: now + expiresIn, notBefore: now - 1,
            issuedAt: now - 1, tokenID: jti, sessionID: "session-1", roles: roles)
        return try AccessTokenSigner(key: signer ?? key).sign(claims)
    }

    func get(
        _ client: some TestClientProtocol, _ path: String, token: String? = nil, headers: HTTPFields = [:]
    ) async throws
        -> TestResponse
    {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: .get, headers: fields)
    }

    @Test func noTokenGivesABareChallenge() async throws {
        try await app().test(.router) { client in
            for path in ["/api/me", "/api/orders", "/api/admin/audit"] {
                let response = try await get(client, path)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"resource\"")
            }
        }
    }

    @Test func aTokenInTheQueryOrACookieIsIgnored() async throws {
        let token = try token()
        try await app().test(.router) { client in
            let query = try await get(client, "/api/me?access_token=\(token)")
            #expect(query.status == .unauthorized)
            #expect(query.headers[.wwwAuthenticate] == "Bearer realm=\"resource\"")
            let cookie = try await get(client, "/api/me", headers: [.cookie: "access_token=\(token)"])
            #expect(cookie.status == .unauthorized)
            #expect(cookie.headers[.wwwAuthenticate] == "Bearer realm=\"resource\"")
        }
    }

    @Test func badTokensGetInvalidTokenWithAReason() async throws {
        let stranger = try SigningKey.generate(.es256)
        let cases = [
            "garbage", try token(expiresIn: -120), try token(audience: "other"), try token(with: stranger),
        ]
        try await app().test(.router) { client in
            for token in cases {
                let response = try await get(client, "/api/me", token: token)
                #expect(response.status == .unauthorized)
                let challenge = try #require(response.headers[.wwwAuthenticate])
                #expect(challenge.hasPrefix("Bearer realm=\"resource\", error=\"invalid_token\", error_description=\""))
                let body = try JSONValue.parseObject(Array(response.body.readableBytesView))
                #expect(body["error"] == .string("invalid_token"))
                #expect(body["error_description"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test func aRevokedTokenIsRefused() async throws {
        let token = try token(jti: "revoked-one")
        try await app().test(.router) { client in
            #expect(try await get(client, "/api/me", token: token).status == .ok)
            let now = Date().timeIntervalSince1970
            revocations.apply(
                RevocationEvent(target: .token(id: "revoked-one"), expiresAt: now + 900, revokedAt: now, issuer: Fixture.issuer))
            let response = try await get(client, "/api/me", token: token)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.contains("error=\"invalid_token\"") == true)
        }
    }

    @Test("Fail closed: until the revocation set is complete every protected route answers 503, never 200 or 401")
    func anIncompleteRevocationSetRefusesWith503() async throws {
        let valid = try token(roles: ["admin", "user"]), revoked = try token(jti: "revoked-before-load")
        let now = Date().timeIntervalSince1970
        revocations.apply(
            RevocationEvent(target: .token(id: "revoked-before-load"), expiresAt: now + 900, revokedAt: now, issuer: Fixture.issuer))
        revocations.markComplete(false)
        try await app().test(.router) { client in
            for path in ["/api/me", "/api/orders", "/api/admin/audit"] {
                for token in [valid, revoked, "not-a-token", nil] {
                    let response = try await get(client, path, token: token)
                    #expect(response.status == .serviceUnavailable, "\(path)")
                    #expect(response.headers[.retryAfter] != nil)
                    let body = try JSONValue.parseObject(Array(response.body.readableBytesView))
                    #expect(body["error"] == .string("temporarily_unavailable"))
                }
            }
            #expect(try await get(client, "/api/ping").status == .ok)
            #expect(try await get(client, "/healthz").status == .ok)
            revocations.markComplete(true)
            #expect(try await get(client, "/api/me", token: valid).status == .ok)
            #expect(try await get(client, "/api/me", token: revoked).status == .unauthorized)
        }
    }

    @Test func meAnswersTheIdentity() async throws {
        let token = try token(roles: ["user", "admin"])
        try await app().test(.router) { client in
            let response = try await get(client, "/api/me", token: token)
            #expect(response.status == .ok)
            let body = try JSONValue.parseObject(Array(response.body.readableBytesView))
            #expect(body["sub"] == .string("alice"))
            #expect(body["sid"] == .string("session-1"))
            #expect(body["roles"] == .array([.string("user"), .string("admin")]))
            if case .number(let exp) = body["exp"] { #expect(exp > Date().timeIntervalSince1970) } else { Issue.record("no exp") }
        }
    }

    @Test func rolesGuardOrdersAndAudit() async throws {
        let user = try token(roles: ["user"]), admin = try token(roles: ["admin", "user"]), none = try token(roles: [])
        try await app().test(.router) { client in
            let orders = try await get(client, "/api/orders", token: user)
            #expect(orders.status == .ok)
            #expect(try JSONValue.parseObject(Array(orders.body.readableBytesView))["orders"]?.arrayValue?.isEmpty == false)
            #expect(try await get(client, "/api/admin/audit", token: admin).status == .ok)
            for (path, token) in [("/api/admin/audit", user), ("/api/orders", none)] {
                let response = try await get(client, path, token: token)
                #expect(response.status == .forbidden)
                #expect(response.headers[.wwwAuthenticate]?.contains("error=\"insufficient_scope\"") == true)
                #expect(try JSONValue.parseObject(Array(response.body.readableBytesView))["error"] == .string("insufficient_scope"))
            }
        }
    }

    @Test func pingNeedsNoToken() async throws {
        try await app().test(.router) { client in
            let ping = try await get(client, "/api/ping")
            #expect(ping.status == .ok)
            let health = try await get(client, "/healthz")
            #expect(health.status == .ok)
        }
    }

    @Test func anUnknownKidIsRetriedAfterAJWKSRefresh() async throws {
        let next = try SigningKey.generate(.rs256)
        let body = Array(try KeySet([next.verificationKey]).jwks.jsonText.utf8)
        let refresher = JWKSRefresher(
            url: URL(string: "http://127.0.0.1:1/jwks")!, cooldown: .seconds(60), catalog: catalog, logger: Logger(label: "test")
        ) { _ in body }
        let token = try token(with: next)
        try await app(refreshKeys: { await refresher.refresh() }).test(.router) { client in
            #expect(try await get(client, "/api/me", token: token).status == .ok)
            // A made-up kid within the cooldown: refused, no fetch.
            let stranger = try self.token(with: try SigningKey.generate(.es256))
            #expect(try await get(client, "/api/me", token: stranger).status == .unauthorized)
        }
    }
}
