import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceKit
import Testing

/// `HTTPHardening` on a live socket: every answer of an HTTPS server carries HSTS, and a header
/// block too large for the parser gets 431 with the JSON error body (was: 400, empty body).
@Suite(.timeLimit(.minutes(1))) struct HTTPHardeningTests {
    static func app(hsts: String?) -> some ApplicationProtocol {
        let router = Router()
        router.get("ok") { _, _ in "ok" }
        router.get("refused") { _, _ -> Response in throw APIError.invalidRequest("no") }
        return Application(
            router: router, server: .hardenedHTTP1(hsts: hsts), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func aHugeBearerTokenGets431WithAJSONBody() async throws {
        try await Self.app(hsts: nil).test(.live) { client in
            let huge = "Bearer " + String(repeating: "a", count: 100 * 1024)
            let response = try await client.execute(uri: "/ok", method: .get, headers: [.authorization: huge])
            #expect(response.status == .requestHeaderFieldsTooLarge)
            #expect(response.headers[.contentType] == "application/json")
            #expect(String(buffer: response.body).contains(#""error":"invalid_request""#))
            #expect(response.headers[.strictTransportSecurity] == nil, "no HSTS on plain HTTP")
        }
    }

    @Test func everyAnswerOfAnHTTPSServerCarriesHSTS() async throws {
        let hsts = HTTPHardening.strictTransportSecurity
        try await Self.app(hsts: hsts).test(.live) { client in
            for path in ["/ok", "/refused", "/missing"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.headers[.strictTransportSecurity] == hsts, "\(path) answered \(response.status)")
            }
            let huge = try await client.execute(
                uri: "/ok", method: .get, headers: [.authorization: String(repeating: "a", count: 100 * 1024)])
            #expect(huge.status == .requestHeaderFieldsTooLarge)
            #expect(huge.headers[.strictTransportSecurity] == hsts)
        }
    }
}
