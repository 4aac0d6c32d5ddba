import AuthEvents
import TestSupport
import Testing
import TokenKit

@testable import Revocation

@Suite struct RevocationSetTests {
    @Test func revokedTokenIDIsRefusedAndOthersAreNot() {
        let set = RevocationSet()
        set.apply(Fixture.revocation(.token(id: "t1")))
        #expect(set.isRevoked(Fixture.claims(jti: "t1")))
        #expect(!set.isRevoked(Fixture.claims(jti: "t2")))
    }

    @Test func revokedSessionRefusesEveryTokenOfIt() {
        let set = RevocationSet()
        set.apply(Fixture.revocation(.session(id: "s1")))
        #expect(set.isRevoked(Fixture.claims(jti: "a", sid: "s1")))
        #expect(set.isRevoked(Fixture.claims(jti: "b", sid: "s1")))
        #expect(!set.isRevoked(Fixture.claims(jti: "c", sid: "s2")))
    }

    @Test func subjectRevocationRefusesOnlyTokensIssuedBeforeT() {
        let set = RevocationSet()
        let revokedAt = Fixture.now
        set.apply(Fixture.revocation(.subject(id: "alice", issuedBefore: revokedAt)))
        #expect(set.isRevoked(Fixture.claims(sub: "alice", iat: revokedAt - 1)))
        #expect(!set.isRevoked(Fixture.claims(sub: "alice", iat: revokedAt)))
        #expect(!set.isRevoked(Fixture.claims(sub: "alice", iat: revokedAt + 5)))
        #expect(!set.isRevoked(Fixture.claims(sub: "bob", iat: revokedAt - 1)))
    }

    @Test func applyingTwiceOrOutOfOrderChangesNothing() {
        let set = RevocationSet()
        let event = Fixture.revocation(.token(id: "t1"))
        set.apply(event)
        set.apply(event)
        #expect(set.count == 1)
        let now = Fixture.now
        // The later "issued before" wins whatever the order the events arrive in.
        set.apply(Fixture.revocation(.subject(id: "alice", issuedBefore: now)))
        set.apply(Fixture.revocation(.subject(id: "alice", issuedBefore: now - 100)))
        #expect(set.count == 2)
        #expect(set.isRevoked(Fixture.claims(sub: "alice", iat: now - 50)))
    }

    @Test func sweepDropsOnlyExpiredEntries() {
        let set = RevocationSet()
        let now = Fixture.now
        set.apply(RevocationEvent(target: .token(id: "old"), expiresAt: now - 5, revokedAt: now - 905, issuer: Fixture.issuer))
        set.apply(RevocationEvent(target: .session(id: "old"), expiresAt: now - 5, revokedAt: now - 905, issuer: Fixture.issuer))
        set.apply(
            RevocationEvent(
                target: .subject(id: "old", issuedBefore: now - 905), expiresAt: now - 5, revokedAt: now - 905, issuer: Fixture.issuer))
        set.apply(RevocationEvent(target: .token(id: "live"), expiresAt: now + 60, revokedAt: now, issuer: Fixture.issuer))
        #expect(set.sweep(now: now) == 3)
        #expect(set.count == 1)
        #expect(set.isRevoked(Fixture.claims(jti: "live")))
        #expect(!set.isRevoked(Fixture.claims(jti: "old", sid: "old", sub: "old", iat: now - 1000)))
    }

    @Test func expiryIsRoundedUpSoAnEntryIsNeverDroppedEarly() {
        #expect(expirySeconds(100.2) == 101)
        #expect(expirySeconds(100) == 100)
        let set = RevocationSet()
        set.apply(RevocationEvent(target: .token(id: "t"), expiresAt: 1_900_000_000.5, revokedAt: 1_899_999_000, issuer: Fixture.issuer))
        #expect(set.sweep(now: 1_900_000_000.9) == 0)
        #expect(set.sweep(now: 1_900_000_002) == 1)
    }

    @Test func anExtendedExpiryOutlivesTheEarlierOne() {
        let set = RevocationSet()
        let now = 1_900_000_000.0
        set.apply(RevocationEvent(target: .token(id: "t"), expiresAt: now + 5, revokedAt: now, issuer: Fixture.issuer))
        set.apply(RevocationEvent(target: .token(id: "t"), expiresAt: now + 600, revokedAt: now, issuer: Fixture.issuer))
        set.apply(RevocationEvent(target: .subject(id: "s", issuedBefore: now), expiresAt: now + 5, revokedAt: now, issuer: Fixture.issuer))
        set.apply(
            RevocationEvent(target: .subject(id: "s", issuedBefore: now), expiresAt: now + 600, revokedAt: now, issuer: Fixture.issuer))
        // The other order: a shorter expiry arriving later does not shorten the entry.
        set.apply(RevocationEvent(target: .session(id: "x"), expiresAt: now + 600, revokedAt: now, issuer: Fixture.issuer))
        set.apply(RevocationEvent(target: .session(id: "x"), expiresAt: now + 5, revokedAt: now, issuer: Fixture.issuer))
        set.apply(RevocationEvent(target: .token(id: "t"), expiresAt: now + 5, revokedAt: now, issuer: Fixture.issuer))
        #expect(set.sweep(now: now + 120) == 0)
        #expect(set.count == 3)
        #expect(set.sweep(now: now + 601) == 3)
        #expect(set.sweep(now: now + 7200) == 0)
    }

    @Test func sweepingManyExpiredEntriesEmptiesTheSet() {
        let set = RevocationSet()
        let now = 1_900_000_000.0
        for index in 0..<20_000 {
            set.apply(
                RevocationEvent(
                    target: .session(id: "s\(index)"), expiresAt: now + Double(index % 900), revokedAt: now, issuer: Fixture.issuer))
        }
        let expiredByHalfway = (0..<20_000).count { $0 % 900 < 450 }
        #expect(set.sweep(now: now + 450) == expiredByHalfway)
        #expect(set.sweep(now: now + 901) == 20_000 - expiredByHalfway)
        #expect(set.count == 0)
    }

    @Test func entriesAreFixedSize() {
        // 16-byte digest keys, 4-byte expiry values: the layout the memory budget rests on.
        #expect(MemoryLayout<RevocationID>.size == 16)
        #expect(MemoryLayout<UInt32>.size == 4)
        #expect(RevocationID("a") != RevocationID("b"))
        #expect(RevocationID(String(repeating: "x", count: 256)) == RevocationID(String(repeating: "x", count: 256)))
    }

    @Test(.timeLimit(.minutes(1))) func manyEntriesStayCheapToQuery() {
        let set = RevocationSet()
        let now = Fixture.now
        for index in 0..<50_000 {
            set.apply(RevocationEvent(target: .token(id: "jti-\(index)"), expiresAt: now + 900, revokedAt: now, issuer: Fixture.issuer))
        }
        #expect(set.count == 50_000)
        #expect(set.isRevoked(Fixture.claims(jti: "jti-49999")))
        #expect(!set.isRevoked(Fixture.claims(jti: "jti-50000")))
    }
}
