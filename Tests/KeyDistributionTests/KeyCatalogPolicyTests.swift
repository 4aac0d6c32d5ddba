import AuthEvents
import KeyDistribution
import TestSupport
import Testing
import TokenKit

/// What a verifier accepts of a validly signed key announcement (docs/EVENTS.md "Replays"):
/// its own issuer's, not from the future, not past its validity, and never a key it has seen
/// removed.
@Suite struct KeyCatalogPolicyTests {
    let key = try! SigningKey.generate(.es256)
    let now = Fixture.now

    private func refusal(_ body: () throws -> Void) -> EventError.Code? {
        do {
            try body()
            return nil
        } catch let error as EventError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func refusesAnotherIssuerTheFutureAndStaleReplays() {
        let catalog = KeyCatalog(issuer: Fixture.issuer, leeway: 30)
        var foreign = Fixture.keyEvent(key)
        foreign.issuer = "https://evil.example"
        #expect(refusal { try catalog.apply(foreign, now: now) } == .wrongIssuer)
        #expect(refusal { try catalog.apply(Fixture.keyEvent(key, announced: now + 120), now: now) } == .fromTheFuture)
        var replay = Fixture.keyEvent(key, published: now - 7200, announced: now - 7200)
        replay.validUntil = now - 3600
        #expect(refusal { try catalog.apply(replay, now: now) } == .stale)
        catalog.rebuild(now: now)
        #expect(catalog.directory.keys[key.kid] == nil)
    }

    @Test func aValidityOfCenturiesIsClampedToADay() throws {
        let catalog = KeyCatalog(issuer: Fixture.issuer)
        var event = Fixture.keyEvent(key)
        event.validUntil = now + 100 * 365 * 86_400
        try catalog.apply(event, now: now)
        catalog.rebuild(now: now + 86_400 + 60)
        #expect(catalog.directory.keys[key.kid] == nil)
    }

    @Test func anAnnouncementThatIsNotRenewedExpires() throws {
        let catalog = KeyCatalog(issuer: Fixture.issuer)
        try catalog.apply(Fixture.keyEvent(key), now: now)
        catalog.rebuild(now: now)
        #expect(catalog.directory.keys[key.kid] != nil)
        catalog.rebuild(now: now + 3601)
        #expect(catalog.directory.keys[key.kid] == nil)
    }

    /// A removal is sticky: a replay of the key's earlier announcement, newer or older, signed
    /// and in time, does not bring it back, and neither does a JWKS that still lists it.
    @Test func aRemovedKeyNeverComesBack() throws {
        let catalog = KeyCatalog(issuer: Fixture.issuer)
        let live = Fixture.keyEvent(key, announced: now - 10)
        try catalog.apply(live, now: now)
        try catalog.apply(Fixture.keyEvent(key, retires: now - 1, removed: now - 1, announced: now - 5), now: now)
        catalog.rebuild(now: now)
        #expect(catalog.directory.keys[key.kid] == nil)
        #expect(try catalog.apply(live, now: now) == false)
        #expect(try catalog.apply(Fixture.keyEvent(key, announced: now), now: now) == false)
        #expect(catalog.addFetched([key.verificationKey], now: now) == false)
        catalog.rebuild(now: now)
        #expect(catalog.directory.keys[key.kid] == nil)
        #expect(catalog.isRemoved(key.kid))
    }
}
