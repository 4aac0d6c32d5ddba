import Foundation
import Testing

/// Issue 18's first bar: after a refresh-token reuse past the grace window, the session's access
/// tokens are refused by every resource instance within 100 ms p99 over 20 trials — as fast as
/// a logout. Each trial idles past the grace window first, as a thief's replay does.
extension EndToEnd {
    @Suite(.timeLimit(.minutes(5)))
    struct ReusePropagationTests {
        static var trials: Int { Int(ProcessInfo.processInfo.environment["E2E_REUSE_TRIALS"] ?? "") ?? 20 }
        /// A little longer than REFRESH_REUSE_GRACE (2 s in e2e-env, unless overridden).
        static var quiet: Duration {
            let environment = ProcessInfo.processInfo.environment
            let grace = environment["REFRESH_REUSE_GRACE"].flatMap { Int($0.dropLast()) } ?? 2
            return .seconds(grace) + .milliseconds(200)
        }

        /// Each trial: a session refreshed once, then quiet for longer than the grace window (as
        /// a thief's replay comes later), then the replay; the successor's access token must be
        /// refused by every instance.
        @Test func reuseAfterTheGraceWindowIsEnforcedEverywhereWithin100ms() async throws {
            var delays: [Duration] = []
            for _ in 0..<Self.trials {
                let login = try await Client.alice()
                let refreshed = try await Client.refresh(login.refreshCookie)
                let successor = try #require(refreshed.json["access_token"] as? String)
                try await Task.sleep(for: Self.quiet)
                for resource in Cluster.resources {
                    #expect(try await HTTP.get(resource + "/api/me", bearer: successor).status == 200)
                }
                #expect(try await Client.refresh(login.refreshCookie).status == 401, "reuse after the window is theft")
                delays.append(try await Client.waitUntilRefusedEverywhere(successor))
            }
            Self.report("reuse", delays)
        }

        /// The same quiet period before a logout, for comparison (half as many trials: the
        /// bar is the reuse's; FlowTests times logouts too).
        @Test func logoutAfterAQuietPeriodIsEnforcedEverywhereWithin100ms() async throws {
            var delays: [Duration] = []
            for _ in 0..<max(1, Self.trials / 2) {
                let login = try await Client.alice()
                try await Task.sleep(for: Self.quiet)
                for resource in Cluster.resources {
                    #expect(try await HTTP.get(resource + "/api/me", bearer: login.accessToken).status == 200)
                }
                #expect(try await Client.logout(bearer: login.accessToken, cookie: login.refreshCookie).status == 204)
                delays.append(try await Client.waitUntilRefusedEverywhere(login.accessToken))
            }
            Self.report("logout", delays)
        }

        static func report(_ name: String, _ delays: [Duration]) {
            let sorted = delays.sorted()
            let ms = sorted.map { String(format: "%.1f", $0.seconds * 1000) }
            print("\(name) propagation over \(sorted.count) trials (ms, sorted): \(ms.joined(separator: " "))")
            #expect(sorted.last! < .milliseconds(100), "\(name): slowest propagation \(sorted.last!)")
        }
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
