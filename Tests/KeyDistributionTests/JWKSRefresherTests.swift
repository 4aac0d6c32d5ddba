import Foundation
import Synchronization
import TestSupport
import Testing
import TokenKit

@testable import KeyDistribution

@Suite(.timeLimit(.minutes(1))) struct JWKSRefresherTests {
    let url = URL(string: "http://127.0.0.1:1/.well-known/jwks.json")!

    @Test func aFloodOfUnknownKidsCausesOneFetchPerCooldown() async throws {
        let fetches = Atomic<Int>(0)
        let key = try SigningKey.generate(.es256)
        let body = Array(try KeySet([key.verificationKey]).jwks.jsonText.utf8)
        let catalog = KeyCatalog(issuer: Fixture.issuer)
        let refresher = JWKSRefresher(url: url, cooldown: .seconds(60), catalog: catalog, logger: Fixture.logger) { _ in
            fetches.add(1, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(50))
            return body
        }
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { await refresher.refresh() } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(fetches.load(ordering: .relaxed) == 1)
        #expect(results.contains(true))
        #expect(catalog.directory.keys[key.kid] != nil)
        // Within the cooldown: no fetch, nothing new.
        #expect(await refresher.refresh() == false)
        #expect(fetches.load(ordering: .relaxed) == 1)
    }

    @Test func fetchesAgainAfterTheCooldownAndReportsNothingNew() async throws {
        let fetches = Atomic<Int>(0)
        let key = try SigningKey.generate(.es256)
        let body = Array(try KeySet([key.verificationKey]).jwks.jsonText.utf8)
        let refresher = JWKSRefresher(
            url: url, cooldown: .milliseconds(50), catalog: KeyCatalog(issuer: Fixture.issuer), logger: Fixture.logger
        ) { _ in
            fetches.add(1, ordering: .relaxed)
            return body
        }
        #expect(await refresher.refresh() == true)
        try await Task.sleep(for: .milliseconds(80))
        #expect(await refresher.refresh() == false)
        #expect(fetches.load(ordering: .relaxed) == 2)
    }

    @Test func aFailedOrBadFetchIsNotNew() async throws {
        let refresher = JWKSRefresher(url: url, cooldown: .zero, catalog: KeyCatalog(issuer: Fixture.issuer), logger: Fixture.logger) { _ in
            Array("{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}".utf8)
        }
        #expect(await refresher.refresh() == false)
        let unreachable = JWKSRefresher(url: url, cooldown: .zero, catalog: KeyCatalog(issuer: Fixture.issuer), logger: Fixture.logger)
        #expect(await unreachable.refresh() == false)
    }

    @Test func fetchedKeysGiveWayToEventsAndExpire() throws {
        let catalog = KeyCatalog(issuer: Fixture.issuer, fetchedKeyLifetime: 600)
        let key = try SigningKey.generate(.es256)
        let now = Fixture.now
        #expect(catalog.addFetched([key.verificationKey], now: now))
        catalog.rebuild(now: now)
        #expect(catalog.directory.keys[key.kid] != nil)
        #expect(catalog.publishedKeys(now: now).isEmpty)
        catalog.rebuild(now: now + 601)
        #expect(catalog.directory.keys[key.kid] == nil)
        #expect(catalog.addFetched([key.verificationKey], now: now))
        try catalog.apply(Fixture.keyEvent(key), now: Fixture.now)
        catalog.rebuild(now: now)
        #expect(catalog.publishedKeys(now: now).map(\.kid) == [key.kid])
    }
}
