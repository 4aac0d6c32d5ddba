import BearerAuth
import Hummingbird
import HummingbirdTesting
import Prometheus
import ServiceKit
import Testing
import TokenKit

@testable import Resource

/// CORS for the demo origin on every answer of the resource, errors included (issue 19): a
/// page must read 401 and 403 with `WWW-Authenticate`, not a network error.
extension ResourceRouteTests {
    static let page = "http://localhost:3000"

    func corsApp() throws -> some ApplicationProtocol {
        let verifier = AccessTokenVerifier(
            policy: try ValidationPolicy(issuer: Self.issuer, audience: "api"), keys: catalog.directory, revocations: revocations)
        let components = ResourceComponents(
            verifier: verifier, challenge: BearerChallenge(realm: "resource"), refreshKeys: nil,
            operational: OperationalRoutes(readiness: Readiness(), registry: PrometheusCollectorRegistry()),
            allowedOrigins: [Self.page])
        return Application(router: buildRouter(components))
    }

    @Test func preflightAllowsGETWithAuthorizationWithoutCredentials() async throws {
        try await corsApp().test(.router) { client in
            let response = try await client.execute(
                uri: "/api/me", method: .options,
                headers: [.origin: Self.page, .accessControlRequestMethod: "GET", .accessControlRequestHeaders: "authorization"])
            #expect(response.status == .noContent)
            #expect(response.headers[.accessControlAllowOrigin] == Self.page)
            #expect(response.headers[.accessControlAllowMethods] == "GET")
            #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            #expect(response.headers[.accessControlAllowCredentials] == nil)
        }
    }

    @Test func everyAnswerCarriesCORSForTheAllowedOriginOnly() async throws {
        let user = try token(roles: ["user"])
        try await corsApp().test(.router) { client in
            let answers = [
                (try await get(client, "/api/me", token: user, headers: [.origin: Self.page]), HTTPResponse.Status.ok),
                (try await get(client, "/api/me", headers: [.origin: Self.page]), .unauthorized),
                (try await get(client, "/api/me", token: "not.a.token", headers: [.origin: Self.page]), .unauthorized),
                (try await get(client, "/api/admin/audit", token: user, headers: [.origin: Self.page]), .forbidden),
            ]
            for (response, status) in answers {
                #expect(response.status == status)
                #expect(response.headers[.accessControlAllowOrigin] == Self.page)
                #expect(response.headers[.accessControlExposeHeaders] == "WWW-Authenticate, Retry-After")
                #expect(response.headers[.accessControlAllowCredentials] == nil)
                #expect(status == .ok || response.headers[.wwwAuthenticate] != nil)
            }
            let foreign = try await get(client, "/api/me", headers: [.origin: "http://localhost:3001"])
            #expect(foreign.status == .unauthorized)
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
            let foreignPreflight = try await client.execute(
                uri: "/api/me", method: .options, headers: [.origin: "http://evil.example", .accessControlRequestMethod: "GET"])
            #expect(foreignPreflight.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
