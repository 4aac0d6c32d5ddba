import Foundation
import Hummingbird
import HummingbirdTesting
import KeyDistribution
import Prometheus
import ServiceKit
import TestSupport
import Testing
import TokenKit

@testable import JWKS

@Suite struct JWKSRouteTests {
    let catalog = KeyCatalog(issuer: Fixture.issuer)

    func app() -> some ApplicationProtocol {
        let operational = OperationalRoutes<BasicRequestContext>(readiness: Readiness(), registry: PrometheusCollectorRegistry())
        return Application(router: buildRouter(catalog: catalog, maxAge: .seconds(30), operational: operational))
    }

    func announce(_ key: SigningKey, removed: Double? = nil) throws {
        let now = Date().timeIntervalSince1970
        let timeline = KeyTimeline(
            kid: key.kid, publishedAt: now - 100, activatesAt: now - 100, retiresAt: removed.map { _ in now - 50 }, removedAt: removed)
        try catalog.apply(
            KeyEvent(
                key: key.verificationKey, timeline: timeline, issuer: "http://127.0.0.1:8080", announcedAt: now, validUntil: now + 3600),
            now: Fixture.now)
    }

    @Test func servesPublicKeysWithCacheHeadersAndAStrongETag() async throws {
        let ec = try SigningKey.generate(.es256), rsa = try SigningKey.generate(.rs256)
        try announce(ec)
        try announce(rsa)
        try await app().test(.router) { client in
            try await client.execute(uri: "/.well-known/jwks.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "public, max-age=30")
                #expect(response.headers[.contentType] == "application/json")
                let etag = try #require(response.headers[.eTag])
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && !etag.hasPrefix("W/"))
                let set = try KeySet(jwks: Array(response.body.readableBytesView))
                #expect(Set(set.keys.map(\.kid)) == [ec.kid, rsa.kid])
                let document = try JSONValue.parseObject(Array(response.body.readableBytesView))
                for key in document["keys"]?.arrayValue ?? [] {
                    let names = Set(key.objectValue?.names ?? [])
                    #expect(names.isSuperset(of: ["kty", "kid", "use", "alg"]))
                    #expect(names.isDisjoint(with: ["d", "p", "q", "dp", "dq", "qi"]))
                    #expect(key.objectValue?["use"] == .string("sig"))
                }
            }
        }
    }

    @Test func ifNoneMatchGives304UntilTheSetChanges() async throws {
        try announce(try SigningKey.generate(.es256))
        let application = app()
        try await application.test(.router) { client in
            let first = try await client.execute(uri: "/.well-known/jwks.json", method: .get)
            let etag = try #require(first.headers[.eTag])
            let again = try await client.execute(uri: "/.well-known/jwks.json", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == etag)
            #expect(again.headers[.cacheControl] == "public, max-age=30")
            let listed = try await client.execute(
                uri: "/.well-known/jwks.json", method: .get, headers: [.ifNoneMatch: "\"other\", \(etag)"])
            #expect(listed.status == .notModified)
            try announce(try SigningKey.generate(.rs256))
            let changed = try await client.execute(uri: "/.well-known/jwks.json", method: .get, headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
        }
    }

    @Test func removedKeysAreNotServed() async throws {
        let live = try SigningKey.generate(.es256), gone = try SigningKey.generate(.es256)
        try announce(live)
        try announce(gone, removed: Date().timeIntervalSince1970 - 1)
        try await app().test(.router) { client in
            let response = try await client.execute(uri: "/.well-known/jwks.json", method: .get)
            #expect(try KeySet(jwks: Array(response.body.readableBytesView)).keys.map(\.kid) == [live.kid])
        }
    }

    @Test func theETagDependsOnlyOnTheKeys() throws {
        let a = try SigningKey.generate(.es256).verificationKey, b = try SigningKey.generate(.es256).verificationKey
        #expect(JWKSDocument(keys: [a, b]).etag == JWKSDocument(keys: [b, a]).etag)
        #expect(JWKSDocument(keys: [a]).etag != JWKSDocument(keys: [a, b]).etag)
        #expect(JWKSDocument(keys: [a]).matches(ifNoneMatch: "*"))
        #expect(!JWKSDocument(keys: [a]).matches(ifNoneMatch: "\"nope\""))
    }
}
