import AuthEvents
import Foundation
import Testing
import TokenKit

/// The signed form of every event on the topics (docs/EVENTS.md "Signatures"): a compact JWS,
/// EdDSA over Ed25519, `typ` `auth-event`, opened only with a pinned key.
@Suite struct SignedEventTests {
    /// Made with Python's `cryptography` package from the docs/EVENTS.md example key: another
    /// implementation of RFC 8037 agrees with ours about the format.
    static let examplePublicKey =
        #"{"kty":"OKP","crv":"Ed25519","x":"c2Mv6ra11vBIgKVXpbAWd4fruCE0omcjZmnmxO91csI","kid":"HE4hvtzKyfNtzjrjVqdjUoJQYwjd7NGmTSgs-eGYmFU","alg":"EdDSA","use":"sig"}"#
    static let examplePayload =
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"3q2-7wGkTVqK1uUu0cGr9g","expiresAt":1795456500,"revokedAt":1795455601}"#
    static let exampleMessage =
        "eyJhbGciOiJFZERTQSIsImtpZCI6IkhFNGh2dHpLeWZOdHpqcmpWcWRqVW9KUVl3amQ3TkdtVFNncy1lR1ltRlUiLCJ0eXAiOiJhdXRoLWV2ZW50In0"
        + ".eyJ0eXBlIjoicmV2b2NhdGlvbiIsInZlcnNpb24iOjIsImlzc3VlciI6Imh0dHA6Ly8xMjcuMC4wLjE6ODA4MCIsImtpbmQiOiJqdGkiLCJ2YWx1ZSI6IjNxMi03d0drVFZxSzF1VXUwY0dyOWciLCJleHBpcmVzQXQiOjE3OTU0NTY1MDAsInJldm9rZWRBdCI6MTc5NTQ1NTYwMX0"
        + ".o0bGzPqUIkYzdQoOGQf6pMtzsyGFsfpxOaUdzUtwRtL8bF3ugwSki7tKLcEeH-Rk8qO3vY6ERp3M6ZZeB3ZpDQ"

    let key = EventSigningKey.generate()
    let payload = Array(#"{"type":"revocation","version":2}"#.utf8)

    private func refusal(_ message: [UInt8], _ keys: PinnedEventKeys) -> EventError.Code? {
        do {
            _ = try SignedEvent.open(message, keys: keys)
            return nil
        } catch let error as EventError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func anotherImplementationsSignatureOpens() throws {
        let keys = try PinnedEventKeys(json: Self.examplePublicKey)
        #expect(try SignedEvent.open(Array(Self.exampleMessage.utf8), keys: keys) == Array(Self.examplePayload.utf8))
    }

    @Test func roundTripsWithOneOfTwoPinnedKeys() throws {
        let other = EventSigningKey.generate()
        let keys = try PinnedEventKeys([other.publicKey, key.publicKey])
        #expect(try SignedEvent.open(SignedEvent.sign(payload, with: key), keys: keys) == payload)
        #expect(try SignedEvent.open(SignedEvent.sign(payload, with: other), keys: keys) == payload)
    }

    @Test func refusesUnsignedForeignAndTamperedEvents() throws {
        let keys = try PinnedEventKeys([key.publicKey])
        #expect(refusal(payload, keys) == .unsigned)
        #expect(refusal(Array("a.b".utf8), keys) == .unsigned)
        #expect(refusal(SignedEvent.sign(payload, with: .generate()), keys) == .unknownSigner)
        var signed = SignedEvent.sign(payload, with: key)
        let dot = try #require(signed.firstIndex(of: UInt8(ascii: ".")))
        signed[dot + 2] = signed[dot + 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(refusal(signed, keys) == .badSignature)
        #expect(refusal([UInt8](repeating: UInt8(ascii: "a"), count: SignedEvent.maximumSize + 1), keys) == .malformed)
    }

    /// An access token (ES256, `typ` `at+jwt`) is never an event, even one whose `kid` is pinned.
    @Test func refusesTokensAndOtherHeaders() throws {
        let keys = try PinnedEventKeys([key.publicKey])
        let signed = String(decoding: SignedEvent.sign(payload, with: key), as: UTF8.self).split(separator: ".")
        for header in [
            #"{"alg":"ES256","kid":"\#(key.publicKey.kid)","typ":"auth-event"}"#,
            #"{"alg":"EdDSA","kid":"\#(key.publicKey.kid)","typ":"at+jwt"}"#,
            #"{"alg":"EdDSA","kid":"\#(key.publicKey.kid)","typ":"auth-event","crit":["x"]}"#,
        ] {
            let forged = Base64URL.encode(Array(header.utf8)) + "." + signed[1] + "." + signed[2]
            #expect(refusal(Array(forged.utf8), keys) == .malformed, "\(header)")
        }
        let tokenKey = try SigningKey.generate(.es256)
        let token = try AccessTokenSigner(key: tokenKey).sign(
            AccessTokenClaims(
                issuer: "i", subject: "s", audience: ["a"], expiresAt: 2e9, notBefore: 1e9, issuedAt: 1e9, tokenID: "t", sessionID: "s",
                roles: []))
        #expect(refusal(Array(token.utf8), keys) == .malformed)
    }

    @Test func pinsOnlyOneOrTwoPublicEd25519Keys() throws {
        #expect(try PinnedEventKeys(json: JSONValue.object(key.publicKey.jwk).jsonText).kids == [key.publicKey.kid])
        let two = #"{"keys":[\#(JSONValue.object(key.publicKey.jwk).jsonText),\#(Self.examplePublicKey)]}"#
        #expect(try PinnedEventKeys(json: two).kids.count == 2)
        let three =
            #"{"keys":[\#(Self.examplePublicKey),\#(JSONValue.object(key.publicKey.jwk).jsonText),\#(JSONValue.object(EventSigningKey.generate().publicKey.jwk).jsonText)]}"#
        #expect(throws: EventError.self) { try PinnedEventKeys(json: three) }
        #expect(throws: EventError.self) { try PinnedEventKeys(json: JSONValue.object(key.privateJWK).jsonText) }
        let tokenJWK = JSONValue.object(try SigningKey.generate(.es256).verificationKey.jwk).jsonText
        #expect(throws: EventError.self) { try PinnedEventKeys(json: tokenJWK) }
        #expect(throws: EventError.self) { try PinnedEventKeys(json: "not json") }
    }

    @Test func aPrivateKeyRoundTripsThroughItsJWK() throws {
        let restored = try EventSigningKey(jwk: key.privateJWK)
        #expect(restored.publicKey == key.publicKey)
        #expect(throws: EventError.self) { try EventSigningKey(jwk: key.publicKey.jwk) }
    }
}
