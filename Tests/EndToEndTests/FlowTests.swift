import Foundation
import Testing

/// Every issuer and resource row of CONTRACT.md, driven as a client would, against the real
/// executables (infra/dev/e2e-env). Serialized: some tests stop and restart parts.
extension EndToEnd {
    @Suite(.timeLimit(.minutes(3)))
    struct FlowTests {
        @Test func loginCallsBothResourcesAndRefreshRotates() async throws {
            let login = try await Client.alice()
            for resource in Cluster.resources {
                let me = try await HTTP.get(resource + "/api/me", bearer: login.accessToken)
                #expect(me.status == 200)
                #expect(me.json["sub"] as? String == "alice")
                #expect(try await HTTP.get(resource + "/api/orders", bearer: login.accessToken).status == 200)
            }
            let refreshed = try await Client.refresh(login.refreshCookie)
            #expect(refreshed.status == 200)
            let cookie = try #require(refreshed.header("Set-Cookie"))
            for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/auth", "Max-Age="] {
                #expect(cookie.contains(attribute), "cookie has \(attribute)")
            }
            #expect(refreshed.refreshCookie != login.refreshCookie)
            #expect(refreshed.json["access_token"] as? String != login.accessToken)
            #expect(refreshed.json["token_type"] as? String == "Bearer")
        }

        @Test func logoutIsEnforcedByEveryResourceWithin100ms() async throws {
            var delays: [Duration] = []
            for _ in 0..<5 {
                let login = try await Client.alice()
                for resource in Cluster.resources {
                    #expect(try await HTTP.get(resource + "/api/me", bearer: login.accessToken).status == 200)
                }
                let logout = try await Client.logout(bearer: login.accessToken, cookie: login.refreshCookie)
                #expect(logout.status == 204)
                #expect(logout.header("Set-Cookie")?.contains("Max-Age=0") == true)
                delays.append(try await Client.waitUntilRefusedEverywhere(login.accessToken))
                #expect(try await Client.refresh(login.refreshCookie).status == 401)
            }
            #expect(delays.max()! < .milliseconds(100), "slowest propagation \(delays.max()!)")
            #expect(try await Client.logout().status == 204, "logout of nothing is still 204")
        }

        @Test func rolesAndBearerAnswers() async throws {
            let alice = try await Client.alice()
            let admin = try await Client.admin()
            let resource = Cluster.resources[0]
            let forbidden = try await HTTP.get(resource + "/api/admin/audit", bearer: alice.accessToken)
            #expect(forbidden.status == 403)
            #expect(forbidden.header("WWW-Authenticate")?.contains("error=\"insufficient_scope\"") == true)
            #expect(try await HTTP.get(resource + "/api/admin/audit", bearer: admin.accessToken).status == 200)
            let missing = try await HTTP.get(resource + "/api/me")
            #expect(missing.status == 401)
            #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer realm=") == true)
            #expect(missing.header("WWW-Authenticate")?.contains("error=") == false)
            let bad = try await HTTP.get(resource + "/api/me", bearer: alice.accessToken + "x")
            #expect(bad.status == 401)
            #expect(bad.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)
            // Never from a query parameter or a cookie.
            #expect(try await HTTP.get(resource + "/api/me?access_token=\(alice.accessToken)").status == 401)
            #expect(try await HTTP.get(resource + "/api/me", headers: ["Cookie": "access_token=\(alice.accessToken)"]).status == 401)
        }

        @Test func refreshRefusesCrossSiteRequests() async throws {
            let login = try await Client.alice()
            let noHeader = try await Client.refresh(login.refreshCookie, extraHeaders: [:])
            #expect(noHeader.status == 403)
            #expect(noHeader.json["error"] as? String == "csrf_rejected")
            let origin = try await Client.refresh(
                login.refreshCookie, extraHeaders: ["X-Requested-With": "fetch", "Origin": "https://evil.example"])
            #expect(origin.status == 403)
            let site = try await Client.refresh(
                login.refreshCookie, extraHeaders: ["X-Requested-With": "fetch", "Sec-Fetch-Site": "cross-site"])
            #expect(site.status == 403)
            // The refused attempts did not spend the token.
            #expect(try await Client.refresh(login.refreshCookie).status == 200)
        }

        @Test func concurrentRefreshesGetOneSuccessor() async throws {
            let login = try await Client.alice()
            async let first = Client.refresh(login.refreshCookie)
            async let second = Client.refresh(login.refreshCookie)
            let results = try await [first, second]
            #expect(results.map(\.status) == [200, 200], "two tabs refreshing at once stay logged in")
            #expect(results[0].refreshCookie == results[1].refreshCookie, "the session did not fork")
        }

        @Test func reuseAfterTheGraceWindowRevokesTheSession() async throws {
            let login = try await Client.alice()
            let refreshed = try await Client.refresh(login.refreshCookie)
            let successorToken = try #require(refreshed.json["access_token"] as? String)
            let again = try await Client.refresh(login.refreshCookie)
            #expect(again.refreshCookie == refreshed.refreshCookie, "within the grace window: the same successor")
            try await Task.sleep(for: .seconds(3))  // REFRESH_REUSE_GRACE is 2 s in e2e-env.
            #expect(try await Client.refresh(login.refreshCookie).status == 401, "reuse after the window is theft")
            _ = try await Client.waitUntilRefusedEverywhere(successorToken)
            #expect(try await Client.refresh(try #require(refreshed.refreshCookie)).status == 401, "the whole family is revoked")
        }

        @Test func logoutAllEndsEverySessionOfTheSubject() async throws {
            let first = try await Client.admin()
            let second = try await Client.admin()
            let result = try await HTTP.send(
                "POST", Cluster.issuer + "/auth/logout-all", headers: ["Authorization": "Bearer \(first.accessToken)"])
            #expect(result.status == 204)
            _ = try await Client.waitUntilRefusedEverywhere(second.accessToken)
            #expect(try await Client.refresh(second.refreshCookie).status == 401)
            #expect(try await HTTP.send("POST", Cluster.issuer + "/auth/logout-all").status == 401)
            // A new login after logout-all works (iat has whole-second precision).
            try await Task.sleep(for: .milliseconds(1100))
            let fresh = try await Client.admin()
            #expect(try await HTTP.get(Cluster.resources[0] + "/api/me", bearer: fresh.accessToken).status == 200)
        }

        @Test func loginFailuresAreUniformAndRateLimited() async throws {
            let address = "203.0.113.\(Int.random(in: 1...250))"
            let unknown = try await HTTP.send(
                "POST", Cluster.issuer + "/auth/login", headers: ["X-Forwarded-For": address],
                json: ["username": "nobody", "password": "x"])
            let wrong = try await HTTP.send(
                "POST", Cluster.issuer + "/auth/login", headers: ["X-Forwarded-For": address], json: ["username": "alice", "password": "x"])
            #expect(unknown.status == 401)
            #expect(unknown.body == wrong.body, "an unknown user gets the same answer")
            #expect(try await HTTP.send("POST", Cluster.issuer + "/auth/login", json: ["username": 1]).status == 400)
            // Five failed attempts from one address (two above, three here); the sixth is refused.
            var last = wrong
            for _ in 0..<3 {
                last = try await HTTP.send(
                    "POST", Cluster.issuer + "/auth/login", headers: ["X-Forwarded-For": address],
                    json: ["username": "carol", "password": "x"])
            }
            #expect(last.status == 401)
            let limited = try await HTTP.send(
                "POST", Cluster.issuer + "/auth/login", headers: ["X-Forwarded-For": address], json: ["username": "dave", "password": "x"])
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") != nil)
        }

        @Test func discoveryAndJWKS() async throws {
            let discovery = try await HTTP.get(Cluster.issuer + "/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            #expect(discovery.json["issuer"] as? String == Cluster.issuer)
            #expect(discovery.json["jwks_uri"] as? String != nil)
            let jwks = try await HTTP.get(Cluster.jwks)
            #expect(jwks.status == 200)
            let keys = try #require(jwks.json["keys"] as? [[String: Any]])
            #expect(!keys.isEmpty)
            for key in keys {
                #expect(key["use"] as? String == "sig")
                #expect(key["d"] == nil && key["p"] == nil)
            }
            #expect(jwks.header("Cache-Control")?.contains("max-age=") == true)
            let etag = try #require(jwks.header("ETag"))
            #expect(try await HTTP.get(Cluster.jwks, headers: ["If-None-Match": etag]).status == 304)
        }
    }
}
