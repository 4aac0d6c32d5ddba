import AuthEvents
import Foundation
import Metrics
import Synchronization
import TokenKit

/// The keys a verifier accepts: the newest valid announcement of every `kid` from the key
/// events of its own issuer, plus keys fetched from the JWKS for a `kid` the events have not
/// brought yet.
///
/// ``rebuild(now:)`` writes the keys in force into ``directory`` (the `KeyDirectory` the
/// `AccessTokenVerifier` reads): every announced key whose timeline is not `removed` at `now`
/// and whose announcement is still valid, and every fetched key that the events do not know
/// and that was fetched less than ``fetchedKeyLifetime`` ago.
///
/// A removal is sticky (docs/EVENTS.md "Replays"): once a `kid` is seen removed, no later
/// announcement brings it back, however it is signed or dated; the catalog remembers it for
/// ``longestAnnouncementValidity`` after the removal, after which any announcement from before
/// the removal is stale anyway.
public final class KeyCatalog: Sendable {
    /// The issuer whose keys are accepted (`ISSUER_URL`).
    public let issuer: String
    /// `LEEWAY`: how far in the future an announcement's time may be.
    public let leeway: Double
    /// The longest an announcement is acted on, whatever its `validUntil` says. Default: 24 h.
    public let longestAnnouncementValidity: Double
    /// How long a key fetched from the JWKS is kept when no event announces it. Default: 10 min.
    public let fetchedKeyLifetime: Double

    /// The directory the verifier reads; replaced on every ``rebuild(now:)``.
    public let directory: KeyDirectory

    struct Announced: Sendable {
        var event: KeyEvent
        var key: VerificationKey
    }

    struct Fetched: Sendable {
        var key: VerificationKey
        var fetchedAt: Double
    }

    struct State: Sendable {
        var announced: [String: Announced] = [:]
        var fetched: [String: Fetched] = [:]
        /// `kid` → when it was seen removed.
        var removed: [String: Double] = [:]
    }

    private let state = Mutex(State())
    private let known = Gauge(label: "keys_known")

    /// Creates an empty catalog for `issuer`'s keys, writing into `directory`.
    public init(
        issuer: String, leeway: Double = 30, longestAnnouncementValidity: Double = 86_400, directory: KeyDirectory = KeyDirectory(),
        fetchedKeyLifetime: Double = 600
    ) {
        self.issuer = issuer
        self.leeway = leeway
        self.longestAnnouncementValidity = longestAnnouncementValidity
        self.directory = directory
        self.fetchedKeyLifetime = fetchedKeyLifetime
    }

    /// Applies one key announcement at `now`: it replaces an older announcement of the same
    /// `kid` and is ignored if an announcement at least as new is known, or if the `kid` was
    /// seen removed (re-reading is harmless).
    /// - Returns: whether the catalog changed.
    /// - Throws: ``EventError``: `wrong_issuer`, `from_the_future` (announced beyond the
    ///   leeway), `stale` (its validity has passed: a replay), or `invalid` for its JWK.
    @discardableResult
    public func apply(_ event: KeyEvent, now: Double) throws -> Bool {
        guard event.issuer.utf8.elementsEqual(issuer.utf8) else { throw EventError(.wrongIssuer, "a key of another issuer") }
        guard event.announcedAt <= now + leeway else { throw EventError(.fromTheFuture, "announcedAt is in the future") }
        var event = event
        event.validUntil = min(event.validUntil, event.announcedAt + longestAnnouncementValidity)
        guard event.validUntil > now else { throw EventError(.stale, "the announcement is no longer valid") }
        let key = try event.verificationKey()
        return state.withLock { state in
            guard state.removed[event.kid] == nil else { return false }
            if let old = state.announced[event.kid], old.event.announcedAt >= event.announcedAt { return false }
            state.announced[event.kid] = Announced(event: event, key: key)
            state.fetched[event.kid] = nil
            if event.timeline.state(at: now) == .removed { state.removed[event.kid] = now }
            return true
        }
    }

    /// Adds keys fetched from the JWKS; a `kid` the events announced or removed is skipped.
    /// - Returns: whether any of them was not in the directory before.
    public func addFetched(_ keys: [VerificationKey], now: Double) -> Bool {
        let current = directory.keys
        var isNew = false
        state.withLock { state in
            for key in keys where state.announced[key.kid] == nil && state.removed[key.kid] == nil {
                if current[key.kid]?.thumbprint != key.thumbprint { isNew = true }
                state.fetched[key.kid] = Fetched(key: key, fetchedAt: now)
            }
        }
        return isNew
    }

    /// Writes the keys in force at `now` into ``directory``.
    public func rebuild(now: Double) {
        let keys: [VerificationKey] = state.withLock { state in
            state.fetched = state.fetched.filter { now - $0.value.fetchedAt < fetchedKeyLifetime }
            for (kid, entry) in state.announced where entry.event.timeline.state(at: now) == .removed && state.removed[kid] == nil {
                state.removed[kid] = now
            }
            state.removed = state.removed.filter { now - $0.value < longestAnnouncementValidity + leeway }
            state.announced = state.announced.filter { $0.value.event.validUntil > now || state.removed[$0.key] != nil }
            let announced = state.announced.values.filter { Self.inForce($0, now: now, removed: state.removed) }.map(\.key)
            // A fetched kid is dropped when it is announced; should both ever be present, the
            // announced key (with its timeline) wins, and the set is never refused as a whole.
            let fetched = state.fetched.values.map(\.key).filter { state.announced[$0.kid] == nil }
            return announced + fetched
        }
        directory.replace(with: (try? KeySet(keys)) ?? directory.keys)
        known.record(keys.count)
    }

    /// The announced keys in force at `now`, sorted by `kid`: what the JWKS serves. Keys
    /// fetched from a JWKS are never re-published.
    public func publishedKeys(now: Double) -> [VerificationKey] {
        state.withLock { state in
            state.announced.values.filter { Self.inForce($0, now: now, removed: state.removed) }.map(\.key)
        }.sorted { $0.kid < $1.kid }
    }

    /// The number of announced keys in force at `now`.
    public func announcedCount(now: Double) -> Int {
        state.withLock { state in state.announced.values.count { Self.inForce($0, now: now, removed: state.removed) } }
    }

    /// Whether the kid was seen removed (and is remembered as such).
    public func isRemoved(_ kid: String) -> Bool { state.withLock { $0.removed[kid] != nil } }

    private static func inForce(_ entry: Announced, now: Double, removed: [String: Double]) -> Bool {
        removed[entry.event.kid] == nil && entry.event.validUntil > now && entry.event.timeline.state(at: now) != .removed
    }
}
