import Foundation
import Testing

/// Issue 18: a request whose headers are too large (a 100 KB bearer token) gets 431 with the
/// JSON error body every other refusal has, on every service (was: 400, empty body).
extension EndToEnd {
    @Suite(.timeLimit(.minutes(1)))
    struct HeaderLimitTests {
        @Test func aHugeBearerTokenGets431WithAJSONBodyEverywhere() async throws {
            let huge = String(repeating: "a", count: 100 * 1024)
            let jwks = Cluster.jwks
            for url in [Cluster.issuer + "/auth/logout-all", jwks] + Cluster.resources.map({ $0 + "/api/me" }) {
                let answer = try await HTTP.get(url, bearer: huge)
                #expect(answer.status == 431, "\(url) answered \(answer.status)")
                #expect(answer.json["error"] as? String == "invalid_request", "\(url)")
            }
        }
    }
}
