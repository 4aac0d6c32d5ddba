import Foundation
import Testing
import TokenKit

@testable import Issuer

@Suite("Keystore", .timeLimit(.minutes(2)))
struct KeystoreTests {
    @Test("Keys and ring survive a restart; private files are mode 0600")
    func survivesRestart() async throws {
        try await withTemporaryDirectory { folder in
            let store = KeyStore(directory: folder + "/keys")
            let now = Date().timeIntervalSince1970
            let first = try await SigningKeys.open(
                store: store, algorithm: .es256, publishLead: .seconds(60), retention: .seconds(930), now: now)
            let next = try await first.rotate(now: now)
            let token = try #require(first.signer(at: now)).sign(Self.claims(now))

            let reopened = try await SigningKeys.open(
                store: store, algorithm: .es256, publishLead: .seconds(60), retention: .seconds(930), now: now + 1)
            #expect(reopened.ring == first.ring)
            #expect(reopened.ring.publishedKids(at: now).contains(next))
            #expect(reopened.signer(at: now + 1)?.key.kid == first.signer(at: now)?.key.kid)
            // A token signed before the restart verifies with the keys after it.
            let verifier = AccessTokenVerifier(
                policy: try ValidationPolicy(issuer: "https://issuer.test", audience: "api"), keys: reopened.directory)
            #expect(try verifier.verify(token, now: now + 2).subject == "alice")
            for kid in reopened.ring.timelines.map(\.kid) {
                let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/keys/\(kid).jwk")
                #expect((attributes[.posixPermissions] as? Int) == 0o600)
            }
        }
    }

    @Test("A retired key is removed (and its file deleted) once the last token it signed has expired")
    func retiredKeysRemoved() async throws {
        try await withTemporaryDirectory { folder in
            let store = KeyStore(directory: folder)
            let now = Date().timeIntervalSince1970
            let keys = try await SigningKeys.open(
                store: store, algorithm: .rs256, publishLead: .seconds(1), retention: .seconds(10), now: now)
            let old = try #require(keys.ring.signingKid(at: now))
            _ = try await keys.rotate(now: now)
            #expect(try keys.prune(now: now + 5).isEmpty)
            #expect(try keys.prune(now: now + 12) == [old])
            #expect(!FileManager.default.fileExists(atPath: folder + "/\(old).jwk"))
            #expect(keys.directory.keys[old] == nil)
        }
    }

    @Test("Scheduled rotation: due one interval after the newest key started signing")
    func scheduledRotation() async throws {
        try await withTemporaryDirectory { folder in
            let now = Date().timeIntervalSince1970
            let keys = try await SigningKeys.open(
                store: KeyStore(directory: folder), algorithm: .es256, publishLead: .seconds(1), retention: .seconds(10), now: now)
            let settings = try IssuerSettings(environment: [:])
            let announcer = KeyAnnouncer(
                keys: keys, publisher: NoPublisher(), topic: "t", issuer: "i", interval: .seconds(30), validity: .seconds(3600),
                logger: .init(label: "t"))
            let rotation = KeyRotationService(keys: keys, announcer: announcer, interval: .seconds(100), logger: .init(label: "t"))
            await rotation.step(now: now + 50)
            #expect(keys.ring.timelines.count == 1)
            await rotation.step(now: now + 101)
            #expect(keys.ring.timelines.count == 2)
            await rotation.step(now: now + 101.5)
            #expect(keys.ring.timelines.count == 2)
            _ = settings
        }
    }

    static func claims(_ now: Double) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: "https://issuer.test", subject: "alice", audience: ["api"], expiresAt: now + 900, notBefore: now,
            issuedAt: now, tokenID: "t1", sessionID: "s1", roles: ["user"])
    }

    /// `issuer keys revoke KID` on a stopped issuer's keystore: the key is removed now, a new
    /// key (with its private file) signs, and a kid that is not live is refused.
    @Test func revokingOfflineRemovesTheKeyAndANewOneSigns() async throws {
        try await withTemporaryDirectory { folder in
            let now = Date().timeIntervalSince1970
            let keys = try await SigningKeys.open(
                store: KeyStore(directory: folder), algorithm: .es256, publishLead: .seconds(60), retention: .seconds(900), now: now)
            let kid = try #require(keys.ring.signingKid(at: now))
            let revoke = try KeysCommand.Revoke.parse(["--keystore-dir", folder, kid])
            try revoke.run()
            let ring = try #require(try KeyStore(directory: folder).loadRing())
            let later = Date().timeIntervalSince1970 + 1
            #expect(ring.timelines.first { $0.kid == kid }?.state(at: later) == .removed)
            #expect(ring.timelines.first { $0.kid == kid }?.revokedAt != nil)
            let next = try #require(ring.signingKid(at: later))
            #expect(next != kid)
            #expect(try KeyStore(directory: folder).loadKey(next).kid == next)
            let unknown = try KeysCommand.Revoke.parse(["--keystore-dir", folder, "not-a-live-kid"])
            #expect(throws: (any Error).self) { try unknown.run() }
        }
    }
}

/// Publishes nothing (a fake behind ``EventPublishing`` for tests without a broker).
struct NoPublisher: EventPublishing {
    func publish(topic: String, key: String, value: [UInt8], wait: Duration) async -> Bool { true }
}
