import AuthEvents
import KeyDistribution
import TestSupport
import Testing
import TokenKit

@Suite struct KeyEventTests {
    static let key = try! SigningKey.generate(.es256)
    static let timeline = KeyTimeline(kid: key.kid, publishedAt: 1_800_000_000, activatesAt: 1_800_000_060)
    static let event = KeyEvent(
        key: key.verificationKey, timeline: timeline, issuer: "https://issuer.test", announcedAt: 1_800_000_001,
        validUntil: 1_800_000_001 + 3600)

    private func code(_ text: String) -> EventError.Code? {
        do {
            _ = try KeyEvent(decoding: Array(text.utf8))
            return nil
        } catch let error as EventError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func roundTrips() throws {
        let decoded = try KeyEvent(decoding: Self.event.encoded)
        #expect(decoded == Self.event)
        #expect(try decoded.verificationKey().kid == Self.key.kid)
    }

    @Test func refusesRevocationEventsAndOtherVersions() {
        #expect(code(#"{"type":"key","version":1}"#) == .unsupportedVersion)
        #expect(
            code(
                #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"x","expiresAt":1800000000,"revokedAt":1800000000}"#
            )
                == .unknownType)
    }

    @Test func refusesPrivateOrMismatchedKeys() throws {
        var text = String(decoding: Self.event.encoded, as: UTF8.self)
        let privateJWK = JSONValue.object(Self.key.privateJWK).jsonText
        let publicJWK = JSONValue.object(Self.key.verificationKey.jwk).jsonText
        #expect(code(text.replacingOccurrences(of: publicJWK, with: privateJWK)) == .invalid)
        let other = JSONValue.object(try SigningKey.generate(.es256).verificationKey.jwk).jsonText
        text = text.replacingOccurrences(of: publicJWK, with: other)
        #expect(code(text) == .invalid)
    }
}
