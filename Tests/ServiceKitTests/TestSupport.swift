import AuthEvents
import Foundation
import Logging
import ServiceKit
import Testing
import TokenKit

enum Fixture {
    static let issuer = "http://127.0.0.1:8080"
    static var now: Double { Date().timeIntervalSince1970 }
    static let logger = Logger(label: "test")

    static func claims(jti: String = "t1", sid: String = "s1", sub: String = "alice", iat: Double = Fixture.now) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: issuer, subject: sub, audience: ["api"], expiresAt: iat + 900, notBefore: iat, issuedAt: iat, tokenID: jti,
            sessionID: sid, roles: ["user"])
    }

    static func keyEvent(
        _ key: SigningKey, published: Double = Fixture.now - 10, retires: Double? = nil, removed: Double? = nil,
        announced: Double = Fixture.now
    ) -> KeyEvent {
        KeyEvent(
            key: key.verificationKey,
            timeline: KeyTimeline(kid: key.kid, publishedAt: published, activatesAt: published, retiresAt: retires, removedAt: removed),
            issuer: issuer, announcedAt: announced)
    }

    static func revocation(_ target: RevocationEvent.Target, expiresIn: Double = 900) -> RevocationEvent {
        RevocationEvent(target: target, expiresAt: now + expiresIn, revokedAt: now)
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes. The default is generous because it
/// only costs time when a test fails: under CI load a 20 ms sleep in the code under test has taken 3 s.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
