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
            issuer: issuer, announcedAt: announced)
    }

    public static func revocation(_ target: RevocationEvent.Target, expiresIn: Double = 900) -> RevocationEvent {
        RevocationEvent(target: target, expiresAt: now + expiresIn, revokedAt: now)
    }
}
