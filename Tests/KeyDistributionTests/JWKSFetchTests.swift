import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing
import TokenKit

@testable import KeyDistribution

/// The JWKS fallback fetch: https only (loopback excepted), no redirects, the size limit
/// enforced while reading, a document with any private member refused whole.
@Suite(.timeLimit(.minutes(1))) struct JWKSFetchTests {
    @Test func onlyHTTPSOrLoopbackHTTP() {
        #expect(JWKSRefresher.isAllowed(URL(string: "https://keys.example/jwks.json")!))
        #expect(JWKSRefresher.isAllowed(URL(string: "http://127.0.0.1:8081/.well-known/jwks.json")!))
        #expect(JWKSRefresher.isAllowed(URL(string: "http://localhost:8081/jwks.json")!))
        #expect(JWKSRefresher.isAllowed(URL(string: "http://[::1]:8081/jwks.json")!))
        #expect(!JWKSRefresher.isAllowed(URL(string: "http://keys.example/jwks.json")!))
        #expect(!JWKSRefresher.isAllowed(URL(string: "http://127.0.0.1.example/jwks.json")!))
        #expect(!JWKSRefresher.isAllowed(URL(string: "file:///etc/passwd")!))
        #expect(!JWKSRefresher.isAllowed(URL(string: "ftp://keys.example/jwks.json")!))
    }

    @Test func aRemotePlainHTTPURLIsNeverFetched() async throws {
        await #expect(throws: JWKSRefresher.FetchError.self) {
            _ = try await JWKSRefresher.httpGet(URL(string: "http://192.0.2.1/jwks.json")!)
        }
    }

    @Test func aDocumentWithAnyPrivateMemberIsRefusedWhole() async throws {
        let good = try SigningKey.generate(.es256), leaked = try SigningKey.generate(.es256)
        var keys = try KeySet([good.verificationKey]).jwks.objectValue?["keys"]?.arrayValue ?? []
        keys.append(.object(leaked.privateJWK))
        let body = Array(JSONValue.object(JSONObject([.init(name: "keys", value: .array(keys))])).jsonText.utf8)
        let catalog = KeyCatalog(issuer: Fixture.issuer)
        let refresher = JWKSRefresher(
            url: URL(string: "https://keys.example/jwks.json")!, cooldown: .zero, catalog: catalog, logger: Fixture.logger
        ) { _ in body }
        #expect(await refresher.refresh() == false)
        #expect(catalog.directory.keys[good.kid] == nil, "not even the public key of that document")
        for member in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            let document = Array(#"{"keys":[{"kty":"EC","kid":"x","\#(member)":"AA"}]}"#.utf8)
            #expect(throws: JWKSRefresher.FetchError.self) { try JWKSRefresher.refusePrivateMembers(document) }
        }
    }

    @Test func noRedirectAndTheSizeLimitWhileReading() async throws {
        let key = try SigningKey.generate(.es256)
        let jwks = try KeySet([key.verificationKey]).jwks.jsonText
        let router = Router()
        router.get("jwks") { _, _ in Response.json(try JSONValue.parse(Array(jwks.utf8))) }
        router.get("moved") { _, _ in Response(status: .found, headers: [.location: "/jwks"]) }
        // Endless chunks without a Content-Length: only a limit checked while reading ends it.
        router.get("endless") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init { writer in
                    let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)
                    for _ in 0..<1024 { try await writer.write(chunk) }
                    try await writer.finish(nil)
                })
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let fetched = try await JWKSRefresher.httpGet(URL(string: base + "/jwks")!)
            #expect(fetched == Array(jwks.utf8))
            await #expect(throws: JWKSRefresher.FetchError.self) { _ = try await JWKSRefresher.httpGet(URL(string: base + "/moved")!) }
            let started = ContinuousClock.now
            await #expect(throws: (any Error).self) { _ = try await JWKSRefresher.httpGet(URL(string: base + "/endless")!) }
            #expect(ContinuousClock.now - started < .seconds(2), "cut off at the limit, not read to the end")
        }
    }
}
