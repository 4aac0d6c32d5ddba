import AuthEvents
import Testing
import TokenKit

@Suite struct AuthEventTests {
    static let key = try! SigningKey.generate(.es256)
    static let timeline = KeyTimeline(kid: key.kid, publishedAt: 1_800_000_000, activatesAt: 1_800_000_060)

    private func code(_ text: String) -> EventError.Code? {
        do {
            _ = try AuthEvent.decode(Array(text.utf8))
            return nil
        } catch let error as EventError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func keyEventsRoundTrip() throws {
        let event = AuthEvent.key(
            KeyEvent(key: Self.key.verificationKey, timeline: Self.timeline, issuer: "https://issuer.test", announcedAt: 1_800_000_001))
        #expect(try AuthEvent.decode(event.encoded) == event)
        guard case .key(let decoded) = try AuthEvent.decode(event.encoded) else { return }
        #expect(try decoded.verificationKey().kid == Self.key.kid)
    }

    @Test(arguments: [
        RevocationEvent.Target.token(id: "j1"), .session(id: "s1"), .subject(id: "alice", issuedBefore: 1_800_000_100),
    ])
    func revocationEventsRoundTrip(_ target: RevocationEvent.Target) throws {
        let event = AuthEvent.revocation(RevocationEvent(target: target, expiresAt: 1_800_000_990, revokedAt: 1_800_000_090))
        #expect(try AuthEvent.decode(event.encoded) == event)
    }

    @Test func refusesUnknownTypesAndVersions() {
        #expect(code(#"{"type":"key","version":2}"#) == .unsupportedVersion)
        #expect(code(#"{"type":"revocation","version":9}"#) == .unsupportedVersion)
        #expect(code(#"{"type":"party","version":1}"#) == .unknownType)
    }

    @Test func refusesMalformedEvents() {
        #expect(code("not json") == .malformed)
        #expect(code(#"{"type":"revocation","version":1,"type":"key"}"#) == .malformed)
        #expect(code(#"{"type":"revocation","version":"1"}"#) == .malformed)
        #expect(
            code(#"{"type":"revocation","version":1,"kind":"jti","value":"","expiresAt":1800000000,"revokedAt":1800000000}"#) == .invalid)
        #expect(
            code(#"{"type":"revocation","version":1,"kind":"everyone","value":"x","expiresAt":1800000000,"revokedAt":1800000000}"#)
                == .invalid)
        #expect(code(#"{"type":"revocation","version":1,"kind":"jti","value":"x","expiresAt":5,"revokedAt":1800000000}"#) == .invalid)
    }

    @Test func refusesKeyEventsWithPrivateOrMismatchedKeys() throws {
        let event = KeyEvent(
            key: Self.key.verificationKey, timeline: Self.timeline, issuer: "https://issuer.test", announcedAt: 1_800_000_001)
        var text = String(decoding: AuthEvent.key(event).encoded, as: UTF8.self)
        let privateJWK = JSONValue.object(Self.key.privateJWK).jsonText
        let publicJWK = JSONValue.object(Self.key.verificationKey.jwk).jsonText
        #expect(code(text.replacingOccurrences(of: publicJWK, with: privateJWK)) == .invalid)
        let other = JSONValue.object(try SigningKey.generate(.es256).verificationKey.jwk).jsonText
        text = text.replacingOccurrences(of: publicJWK, with: other)
        #expect(code(text) == .invalid)
    }
}
