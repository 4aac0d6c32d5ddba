import AuthEvents
import Revocation
import TestSupport
import Testing

/// What a resource accepts of a validly signed revocation (docs/EVENTS.md "Times").
@Suite struct RevocationPolicyTests {
    let policy = RevocationPolicy(issuer: Fixture.issuer, leeway: 30, longestTokenLifetime: 900)
    let now = Fixture.now

    private func refusal(_ event: RevocationEvent) -> EventError.Code? {
        do {
            _ = try policy.admit(event, now: now)
            return nil
        } catch let error as EventError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func refusesAnotherIssuerAndTimesInTheFuture() {
        #expect(
            refusal(RevocationEvent(target: .token(id: "a"), expiresAt: now + 60, revokedAt: now, issuer: "https://evil.example"))
                == .wrongIssuer)
        #expect(
            refusal(RevocationEvent(target: .token(id: "a"), expiresAt: now + 60, revokedAt: now + 120, issuer: Fixture.issuer))
                == .fromTheFuture)
        #expect(
            refusal(
                RevocationEvent(
                    target: .subject(id: "alice", issuedBefore: now + 86_400), expiresAt: now + 60, revokedAt: now, issuer: Fixture.issuer))
                == .fromTheFuture)
        #expect(refusal(RevocationEvent(target: .token(id: "a"), expiresAt: now + 60, revokedAt: now + 10, issuer: Fixture.issuer)) == nil)
    }

    /// A validly signed mistake cannot lock anyone out for longer than a token lives.
    @Test func clampsExpiriesToTheLongestTokenLifetime() throws {
        let event = RevocationEvent(target: .session(id: "s"), expiresAt: now + 100 * 365 * 86_400, revokedAt: now, issuer: Fixture.issuer)
        #expect(try policy.admit(event, now: now).expiresAt == now + 930)
    }
}
