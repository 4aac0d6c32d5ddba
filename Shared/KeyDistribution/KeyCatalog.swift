import AuthEvents
import Foundation
import Metrics
import Synchronization
import TokenKit

/// The keys a verifier accepts: the newest announcement of every `kid` from the key events,
/// plus keys fetched from the JWKS for a `kid` the events have not brought yet.
///
/// ``rebuild(now:)`` writes the keys in force into ``directory`` (the `KeyDirectory` the
/// `AccessTokenVerifier` reads): every announced key whose timeline is not `removed` at `now`,
/// and every fetched key that the events do not know and that was fetched less than
/// ``fetchedKeyLifetime`` ago.
public final class KeyCatalog: Sendable {
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
    }

    private let state = Mutex(State())
    private let known = Gauge(label: "keys_known")

    /// Creates an empty catalog writing into `directory`.
    public init(directory: KeyDirectory = KeyDirectory(), fetchedKeyLifetime: Double = 600) {
        self.directory = directory
        self.fetchedKeyLifetime = fetchedKeyLifetime
    }

    /// Applies one key announcement: it replaces an older announcement of the same `kid` and
    /// is ignored if an announcement at least as new is known (re-reading is harmless).
    /// - Returns: whether the catalog changed.
    /// - Throws: ``EventError`` when the event's JWK is refused.
    @discardableResult
    public func apply(_ event: KeyEvent) throws -> Bool {
        let key = try event.verificationKey()
        return state.withLock { state in
            if let old = state.announced[event.kid], old.event.announcedAt > event.announcedAt { return false }
            if let old = state.announced[event.kid], old.event == event { return false }
            state.announced[event.kid] = Announced(event: event, key: key)
            state.fetched[event.kid] = nil
            return true
        }
    }

    /// Adds keys fetched from the JWKS.
    /// - Returns: whether any of them was not in the directory before.
    public func addFetched(_ keys: [VerificationKey], now: Double) -> Bool {
        let current = directory.keys
        var isNew = false
        state.withLock { state in
            for key in keys where state.announced[key.kid] == nil {
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
            // A removed key is forgotten a day after its removal; until then it keeps an older,
            // re-read announcement from bringing it back.
            state.announced = state.announced.filter { ($0.value.event.timeline.removedAt ?? .infinity) + 86_400 > now }
            let announced = state.announced.values.filter { $0.event.timeline.state(at: now) != .removed }.map(\.key)
            // A fetched kid is dropped when it is announced; should both ever be present, the
            // announced key (with its timeline) wins, and the set is never refused as a whole.
            let fetched = state.fetched.values.map(\.key).filter { state.announced[$0.kid] == nil }
            return announced + fetched
        }
        directory.replace(with: (try? KeySet(keys)) ?? directory.keys)
        known.record(keys.count)
    }

    /// The announced keys not past removal at `now`, sorted by `kid`: what the JWKS serves.
    /// Keys fetched from a JWKS are never re-published.
    public func publishedKeys(now: Double) -> [VerificationKey] {
        state.withLock { state in
            state.announced.values.filter { $0.event.timeline.state(at: now) != .removed }.map(\.key)
        }.sorted { $0.kid < $1.kid }
    }

    /// The number of keys announced by events and not removed at `now`.
    public func announcedCount(now: Double) -> Int {
        state.withLock { state in state.announced.values.count { $0.event.timeline.state(at: now) != .removed } }
    }
}
