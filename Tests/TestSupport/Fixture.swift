import AuthEvents
import Foundation
import KeyDistribution
import Logging
import Revocation
import TokenKit

/// Values the unit tests of the revocation and key modules share.
public enum Fixture {
    public static let issuer = "http://127.0.0.1:8080"
    public static var now: Double { Date().timeIntervalSince1970 }
    public static let logger = Logger(label: "test")

    public static func claims(jti: String = "t1", sid: String = "s1", sub: String = "alice", iat: Double = Fixture.now) -> AccessTokenClaims
    {
        AccessTokenClaims(
            issuer: issuer, subject: sub, audience: ["api"], expiresAt: iat + 900, notBefore: iat, issuedAt: iat, tokenID: jti,
            sessionID: sid, roles: ["user"])
    }

    public static func keyEvent(
        _ key: SigningKey, published: Double = Fixture.now - 10, retires: Double? = nil, removed: Double? = nil,
        announced: Double = Fixture.now
    ) -> KeyEvent {
        KeyEvent(
            key: key.verificationKey,
            timeline: KeyTimeline(kid: key.kid, publishedAt: published, activatesAt: published, retiresAt: retires, removedAt: removed),
            issuer: issuer, announcedAt: announced, validUntil: announced + 3600)
    }

    public static func revocation(_ target: RevocationEvent.Target, expiresIn: Double = 900) -> RevocationEvent {
        RevocationEvent(target: target, expiresAt: now + expiresIn, revokedAt: now, issuer: issuer)
    }

    /// The event key the fixtures sign with, and the consumers' pin of it.
    public static let eventKey = EventSigningKey.generate()
    public static let pinnedKeys = try! PinnedEventKeys([eventKey.publicKey])
    /// The consumers' revocation policy for ``issuer`` (leeway 30 s, tokens of 15 min).
    public static let revocationPolicy = RevocationPolicy(issuer: issuer, leeway: 30, longestTokenLifetime: 900)
}

extension RevocationEvent {
    /// The event as the issuer publishes it: signed with ``Fixture/eventKey``.
    public var signed: [UInt8] { SignedEvent.sign(encoded, with: Fixture.eventKey) }
}

extension KeyEvent {
    /// The event as the issuer publishes it: signed with ``Fixture/eventKey``.
    public var signed: [UInt8] { SignedEvent.sign(encoded, with: Fixture.eventKey) }
}
