import AuthEvents
import Revocation
import TestSupport
import Testing

@Suite struct RevocationEventTests {
    private func code(_ text: String) -> EventError.Code? {
        do {
            _ = try RevocationEvent(decoding: Array(text.utf8))
            return nil
        } catch let error as EventError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test(arguments: [
        RevocationEvent.Target.token(id: "j1"), .session(id: "s1"), .subject(id: "alice", issuedBefore: 1_800_000_100),
    ])
    func roundTrips(_ target: RevocationEvent.Target) throws {
        let event = RevocationEvent(target: target, expiresAt: 1_800_000_990, revokedAt: 1_800_000_090, issuer: Fixture.issuer)
        #expect(try RevocationEvent(decoding: event.encoded) == event)
    }

    @Test func refusesValuesThatBreakTheSchema() {
        #expect(
            code(
                #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"","expiresAt":1800000000,"revokedAt":1800000000}"#
            ) == .invalid)
        #expect(
            code(
                #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"everyone","value":"x","expiresAt":1800000000,"revokedAt":1800000000}"#
            )
                == .invalid)
        #expect(
            code(
                #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"x","expiresAt":5,"revokedAt":1800000000}"#
            ) == .invalid)
        #expect(code(#"{"type":"key","version":1}"#) == .unknownType)
    }

    @Test func keysHaveOneForm() {
        #expect(RevocationKeys.key(.token(id: "a")) == "revoked:jti:a")
        #expect(RevocationKeys.key(.session(id: "b")) == "revoked:sid:b")
        #expect(RevocationKeys.key(.subject(id: "c", issuedBefore: 1)) == "revoked:sub:c")
        #expect(RevocationKeys.pattern == "revoked:*")
    }
}
