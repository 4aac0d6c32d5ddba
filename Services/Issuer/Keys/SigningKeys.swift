import Foundation
import KeyDistribution
import NIOPosix
import Synchronization
import TokenKit

/// The issuer's signing keys: the ``KeyRing`` (which key signs when) with the private keys it
/// names, persisted in the ``KeyStore`` on every change.
///
/// It also feeds the issuer's own ``KeyDirectory`` (the public halves of every published key),
/// which the issuer uses to verify the access tokens it receives on logout, logout-all and the
/// admin routes.
final class SigningKeys: Sendable {
    private struct State {
        var ring: KeyRing
        var signers: [String: AccessTokenSigner]
    }

    private let state: Mutex<State>
    private let store: KeyStore
    private let algorithm: SignatureAlgorithm
    /// How long a revoked key's removal is still announced: the announcement validity, after
    /// which any replay of its earlier announcements is stale.
    private let keepRevokedFor: Double
    /// The public keys of every published key, for the issuer's own verifier.
    let directory = KeyDirectory()

    private init(ring: KeyRing, keys: [SigningKey], store: KeyStore, algorithm: SignatureAlgorithm, keepRevokedFor: Double) throws {
        self.state = Mutex(State(ring: ring, signers: Dictionary(uniqueKeysWithValues: keys.map { ($0.kid, AccessTokenSigner(key: $0)) })))
        self.store = store
        self.algorithm = algorithm
        self.keepRevokedFor = keepRevokedFor
        try publishDirectory()
    }

    /// Opens the keystore: loads the ring and its private keys, or creates a first key that
    /// signs at once. Keys already past their removal are dropped (and their files deleted).
    /// - Throws: ``KeyStoreError`` or a crypto or file error; the issuer does not start then.
    static func open(
        store: KeyStore, algorithm: SignatureAlgorithm, publishLead: Duration, retention: Duration, keepRevokedFor: Duration = .zero,
        now: Double
    ) async throws -> SigningKeys {
        try store.prepare()
        if var ring = try store.loadRing() {
            ring.publishLead = publishLead.seconds
            ring.retention = retention.seconds
            for kid in ring.prune(now: now, keepRevokedFor: keepRevokedFor.seconds) { store.deleteKey(kid) }
            let keys = try ring.timelines.map { try store.loadKey($0.kid) }
            try store.saveRing(ring)
            return try SigningKeys(ring: ring, keys: keys, store: store, algorithm: algorithm, keepRevokedFor: keepRevokedFor.seconds)
        }
        let first = try await generate(algorithm)
        try store.saveKey(first)
        let ring = KeyRing(firstKid: first.kid, now: now, publishLead: publishLead.seconds, retention: retention.seconds)
        try store.saveRing(ring)
        return try SigningKeys(ring: ring, keys: [first], store: store, algorithm: algorithm, keepRevokedFor: keepRevokedFor.seconds)
    }

    /// Key generation (RSA takes a while) runs on NIO's thread pool, off the cooperative pool.
    private static func generate(_ algorithm: SignatureAlgorithm) async throws -> SigningKey {
        try await NIOThreadPool.singleton.runIfActive { try SigningKey.generate(algorithm) }
    }

    /// The signer of the key that is current at `now`.
    func signer(at now: Double) -> AccessTokenSigner? {
        state.withLock { state in state.ring.signingKid(at: now).flatMap { state.signers[$0] } }
    }

    /// The ring as it is now.
    var ring: KeyRing { state.withLock { $0.ring } }

    /// Starts a rotation: a new key is created, saved, published at once, and signs after the
    /// publish lead. - Returns: the new key's kid.
    /// - Throws: a crypto or file error; nothing changes then.
    func rotate(now: Double) async throws -> String {
        let key = try await Self.generate(algorithm)
        try store.saveKey(key)
        try state.withLock { state in
            var ring = state.ring
            ring.rotate(to: key.kid, now: now)
            try store.saveRing(ring)
            state.ring = ring
            state.signers[key.kid] = AccessTokenSigner(key: key)
        }
        try publishDirectory()
        return key.kid
    }

    /// Revokes `kid` in an emergency (``KeyRing/revoke(_:now:successor:)``): removed now; a key
    /// the verifiers already know, or else a new one, signs from now on. Its private key stays
    /// until the removal is no longer announced, and never signs again.
    /// - Returns: the kid that signs from now on.
    /// - Throws: `TokenError` `unknown_key` for a kid that is not live; a crypto or file error.
    func revoke(_ kid: String, now: Double) async throws -> String {
        let successor = try await Self.generate(algorithm)
        let signing = try state.withLock { state -> String? in
            var ring = state.ring
            if try ring.revoke(kid, now: now, successor: successor.kid) {
                try store.saveKey(successor)
                state.signers[successor.kid] = AccessTokenSigner(key: successor)
            }
            try store.saveRing(ring)
            state.ring = ring
            return ring.signingKid(at: now)
        }
        try publishDirectory()
        return signing ?? successor.kid
    }

    /// Drops keys whose last token has expired and deletes their private files.
    /// - Returns: the kids removed.
    /// - Throws: a file error when the ring cannot be saved (the keys stay then).
    func prune(now: Double) throws -> [String] {
        let removed = try state.withLock { state -> [String] in
            var ring = state.ring
            let removed = ring.prune(now: now, keepRevokedFor: keepRevokedFor)
            guard !removed.isEmpty else { return [] }
            try store.saveRing(ring)
            state.ring = ring
            for kid in removed { state.signers[kid] = nil }
            return removed
        }
        for kid in removed { store.deleteKey(kid) }
        if !removed.isEmpty { try publishDirectory() }
        return removed
    }

    /// One `key` event for every live key, to announce on the keys topic; consumers act on
    /// each until `now + validity`.
    func announcements(issuer: String, now: Double, validity: Duration) -> [KeyEvent] {
        state.withLock { state in
            state.ring.timelines.compactMap { timeline in
                state.signers[timeline.kid].map {
                    KeyEvent(
                        key: $0.key.verificationKey, timeline: timeline, issuer: issuer, announcedAt: now,
                        validUntil: now + validity.seconds)
                }
            }
        }
    }

    /// The public keys of every key not removed: a revoked key leaves at once.
    private func publishDirectory() throws {
        let now = Date().timeIntervalSince1970
        let keys = state.withLock { state in
            state.ring.timelines.filter { $0.state(at: now) != .removed }.compactMap { state.signers[$0.kid]?.key.verificationKey }
        }
        directory.replace(with: try KeySet(keys))
    }
}
