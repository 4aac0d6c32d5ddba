import Testing
import TokenKit

@Suite struct KeyRingTests {
    @Test func publishesBeforeSigningAndRetiresAfterTheLastTokenExpires() {
        var ring = KeyRing(firstKid: "k1", now: 0, publishLead: 60, retention: 930)
        #expect(ring.signingKid(at: 0) == "k1")
        ring.rotate(to: "k2", now: 100)
        // Published, not yet signing: verifiers learn k2 first.
        #expect(ring.signingKid(at: 159) == "k1")
        #expect(ring.publishedKids(at: 100) == ["k1", "k2"])
        #expect(ring.timelines[1].state(at: 120) == .published)
        // k2 signs from 160; k1 is retired but still accepted until 160 + 930.
        #expect(ring.signingKid(at: 160) == "k2")
        #expect(ring.timelines[0].state(at: 160) == .retired)
        #expect(ring.publishedKids(at: 1089) == ["k1", "k2"])
        #expect(ring.publishedKids(at: 1090) == ["k2"])
        var pruned = ring
        #expect(pruned.prune(now: 1090) == ["k1"])
        #expect(pruned.timelines.map(\.kid) == ["k2"])
    }

    @Test func exactlyOneKeySignsAtAnyTime() {
        var ring = KeyRing(firstKid: "a", now: 0, publishLead: 10, retention: 100)
        ring.rotate(to: "b", now: 5)
        ring.rotate(to: "c", now: 7)
        for time in stride(from: 0.0, through: 300, by: 0.5) {
            let current = ring.timelines.filter { $0.state(at: time) == .current }
            #expect(current.count == 1, "at \(time)")
        }
        #expect(ring.signingKid(at: 100) == "c")
    }

    @Test func revokingTheSigningKeyRemovesItAtOnceAndANewKeySigns() throws {
        var ring = KeyRing(firstKid: "a", now: 0, publishLead: 60, retention: 900)
        #expect(try ring.revoke("a", now: 10, successor: "b"))
        #expect(ring.timelines.first { $0.kid == "a" }?.state(at: 10) == .removed)
        #expect(ring.timelines.first { $0.kid == "a" }?.revokedAt == 10)
        #expect(ring.signingKid(at: 10) == "b")
        // Kept while its removal is announced, then pruned.
        #expect(ring.prune(now: 20, keepRevokedFor: 3600).isEmpty)
        #expect(ring.prune(now: 3611, keepRevokedFor: 3600) == ["a"])
        #expect(throws: TokenError.self) { try ring.revoke("a", now: 20, successor: "c") }
        #expect(throws: TokenError.self) { try ring.revoke("zzz", now: 20, successor: "c") }
    }

    @Test func revokingTheSigningKeyDuringARotationLetsThePublishedKeySignAtOnce() throws {
        var ring = KeyRing(firstKid: "a", now: 0, publishLead: 60, retention: 900)
        ring.rotate(to: "b", now: 100)
        #expect(try ring.revoke("a", now: 110, successor: "c") == false)
        #expect(ring.signingKid(at: 110) == "b")
        #expect(!ring.timelines.contains { $0.kid == "c" })
    }

    @Test func revokingARetiredKeyLeavesTheSignerAlone() throws {
        var ring = KeyRing(firstKid: "a", now: 0, publishLead: 60, retention: 900)
        ring.rotate(to: "b", now: 100)
        #expect(try ring.revoke("a", now: 200, successor: "c") == false)
        #expect(ring.signingKid(at: 200) == "b")
        #expect(ring.timelines.first { $0.kid == "a" }?.state(at: 200) == .removed)
    }
}
