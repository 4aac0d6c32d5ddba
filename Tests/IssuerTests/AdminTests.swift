import Foundation
import Hummingbird
import HummingbirdTesting
import KeyDistribution
import TestSupport
import Testing
import TokenKit

@testable import Issuer

extension IssuerServiceTests {
    @Suite("Admin and discovery", .timeLimit(.minutes(2)))
    struct AdminTests {
        @Test("Emergency revocation: the signing key is removed and announced removed, a new one signs; 404 for an unknown kid")
        func revoke() async throws {
            let admin = uniqueName("admin")
            try await withIssuer(users: [admin: ("admin-password", ["admin", "user"])]) { issuer in
                let tokens = try await issuer.loggedIn(admin, "admin-password")
                let revoked = try #require(try Self.kid(tokens.accessToken))
                let unknown = try await issuer.post("/admin/keys/nope/revoke", headers: [.authorization: "Bearer \(tokens.accessToken)"])
                #expect(unknown.status == .notFound)
                let response = try await issuer.post(
                    "/admin/keys/\(revoked)/revoke", headers: [.authorization: "Bearer \(tokens.accessToken)"])
                #expect(response.status == .ok)
                #expect(response.json["revoked"]?.stringValue == revoked)
                let signing = try #require(response.json["kid"]?.stringValue)
                #expect(signing != revoked)
                // The removal is announced (signed) at once; the issuer itself refuses the old token.
                let announced = try #require(issuer.recorder.all.last { $0.topic == "test.auth.keys" && $0.key == revoked })
                let event = try KeyEvent(decoding: issuer.opened(announced.value))
                #expect(event.timeline.state(at: Date().timeIntervalSince1970) == .removed)
                #expect(throws: (any Error).self) { try issuer.claims(tokens.accessToken) }
                let fresh = try await issuer.loggedIn(admin, "admin-password")
                #expect(try Self.kid(fresh.accessToken) == signing)
                let again = try await issuer.post("/admin/keys/\(revoked)/revoke", headers: [.authorization: "Bearer \(fresh.accessToken)"])
                #expect(again.status == .notFound)
            }
        }

        @Test("Rotate: 200 with the next kid for an admin, announced; 403 for a user; 401 without a token")
        func rotate() async throws {
            let admin = uniqueName("admin"), user = uniqueName("user")
            try await withIssuer(
                ["KEY_PUBLISH_LEAD": "3s"], users: [admin: ("admin-password", ["admin", "user"]), user: ("user-password", ["user"])]
            ) { issuer in
                let adminTokens = try await issuer.loggedIn(admin, "admin-password")
                let before = try #require(issuer.components.keys.ring.signingKid(at: Date().timeIntervalSince1970))

                let anonymous = try await issuer.post("/admin/keys/rotate")
                #expect(anonymous.status == .unauthorized)
                #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer realm=") == true)

                let userTokens = try await issuer.loggedIn(user, "user-password")
                let forbidden = try await issuer.post("/admin/keys/rotate", headers: [.authorization: "Bearer \(userTokens.accessToken)"])
                #expect(forbidden.status == .forbidden)
                #expect(forbidden.errorCode == "insufficient_scope")

                let rotationSent = ContinuousClock.now
                let response = try await issuer.post("/admin/keys/rotate", headers: [.authorization: "Bearer \(adminTokens.accessToken)"])
                let rotationAnswered = ContinuousClock.now
                #expect(response.status == .ok)
                let next = try #require(response.json["kid"]?.stringValue)
                #expect(next != before)
                // Published at once (announced on the keys topic), signing only after the lead.
                #expect(issuer.recorder.all.contains { $0.topic == "test.auth.keys" && $0.key == next && $0.delivered })
                let early = try await issuer.loggedIn(admin, "admin-password")
                // Only meaningful if it was signed within the lead (a stalled machine can take longer).
                if ContinuousClock.now - rotationSent < .seconds(3) { #expect(try Self.kid(early.accessToken) == before) }
                try await Task.sleep(until: rotationAnswered + .milliseconds(3200))
                let late = try await issuer.loggedIn(admin, "admin-password")
                #expect(try Self.kid(late.accessToken) == next)
                // Tokens of the previous key are still accepted.
                #expect(try issuer.claims(early.accessToken).subject == admin)
            }
        }

        @Test("Every live key is announced at start as a key event keyed by its kid")
        func announcedAtStart() async throws {
            try await withIssuer { issuer in
                let kid = try #require(issuer.components.keys.ring.timelines.first?.kid)
                for _ in 0..<50 where !issuer.recorder.all.contains(where: { $0.key == kid && $0.delivered }) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                let record = try #require(issuer.recorder.all.first { $0.topic == "test.auth.keys" && $0.key == kid })
                let event = try KeyEvent(decoding: issuer.opened(record.value))
                #expect(event.kid == kid)
                #expect(event.jwk["d"] == nil)
            }
        }

        @Test("The key set is re-announced every KEY_ANNOUNCE_INTERVAL")
        func periodicAnnouncements() async throws {
            try await withIssuer(["KEY_ANNOUNCE_INTERVAL": "300ms"]) { issuer in
                let kid = try #require(issuer.components.keys.ring.timelines.first?.kid)
                @Sendable func delivered() -> Int {
                    issuer.recorder.all.filter { $0.topic == "test.auth.keys" && $0.key == kid && $0.delivered }.count
                }
                // The first announcement waits for the topics; count from there.
                for _ in 0..<100 where delivered() == 0 { try await Task.sleep(for: .milliseconds(100)) }
                let first = delivered()
                // Two more within 10 s (normally 0.6 s; a loaded machine delays deliveries).
                for _ in 0..<100 where delivered() < first + 2 { try await Task.sleep(for: .milliseconds(100)) }
                #expect(delivered() >= first + 2)
            }
        }

        @Test("Discovery names the issuer and the JWKS")
        func discovery() async throws {
            try await withIssuer(["JWKS_URL": "http://127.0.0.1:9999/jwks.json"]) { issuer in
                let response = try await issuer.client.execute(uri: "/.well-known/openid-configuration", method: .get)
                #expect(response.status == .ok)
                #expect(response.json["issuer"]?.stringValue == "http://127.0.0.1:8080")
                #expect(response.json["jwks_uri"]?.stringValue == "http://127.0.0.1:9999/jwks.json")
            }
        }

        @Test("Operational routes: healthz, readyz once Redis and the broker answer, metrics")
        func operational() async throws {
            try await withIssuer { issuer in
                #expect(try await issuer.client.execute(uri: "/healthz", method: .get).status == .ok)
                var ready = try await issuer.client.execute(uri: "/readyz", method: .get)
                for _ in 0..<50 where ready.status != .ok {
                    try await Task.sleep(for: .milliseconds(100))
                    ready = try await issuer.client.execute(uri: "/readyz", method: .get)
                }
                #expect(ready.status == .ok)
                #expect(try await issuer.client.execute(uri: "/metrics", method: .get).status == .ok)
            }
        }

        static func kid(_ token: String) throws -> String? {
            let header = try #require(Base64URL.decode(token.split(separator: ".")[0]))
            return try JSONValue.parseObject(header)["kid"]?.stringValue
        }
    }
}
