/// Where a signing key is in its life (ARCHITECTURE.md "Keys").
public enum KeyState: String, Sendable, Codable, CaseIterable {
    /// In the JWKS and accepted, but not yet used to sign: verifiers learn it first.
    case published
    /// Signs new tokens. Exactly one key is current at a time.
    case current
    /// No longer signs; accepted until the last token it signed has expired.
    case retired
    /// Past retirement: no longer published nor accepted.
    case removed
}

/// The times at which one key changes state, in seconds since the epoch.
public struct KeyTimeline: Sendable, Equatable, Codable {
    /// The key id.
    public var kid: String
    /// When the key was announced.
    public var publishedAt: Double
    /// When it starts signing.
    public var activatesAt: Double
    /// When its successor starts signing; nil while it has none.
    public var retiresAt: Double?
    /// When the last token it signed has expired (plus leeway); nil while it has no successor.
    public var removedAt: Double?
    /// When it was revoked in an emergency (then also retired and removed at that moment).
    public var revokedAt: Double?

    /// Creates a timeline.
    public init(
        kid: String, publishedAt: Double, activatesAt: Double, retiresAt: Double? = nil, removedAt: Double? = nil,
        revokedAt: Double? = nil
    ) {
        self.kid = kid
        self.publishedAt = publishedAt
        self.activatesAt = activatesAt
        self.retiresAt = retiresAt
        self.removedAt = removedAt
        self.revokedAt = revokedAt
    }

    /// The state at `now`.
    public func state(at now: Double) -> KeyState {
        if let removedAt, now >= removedAt { return .removed }
        if let retiresAt, now >= retiresAt { return .retired }
        return now >= activatesAt ? .current : .published
    }
}

/// The issuer's keys over time: publish the next key, let it become current after a lead
/// time, keep the previous one until every token it signed has expired, then drop it.
public struct KeyRing: Sendable, Equatable, Codable {
    /// Every key not yet removed, oldest first.
    public private(set) var timelines: [KeyTimeline]

    /// How long a key is published before it signs, in seconds.
    public var publishLead: Double
    /// How long a retired key stays accepted: the longest token lifetime plus leeway, in seconds.
    public var retention: Double

    /// Creates a ring whose first key signs at once.
    public init(firstKid: String, now: Double, publishLead: Double, retention: Double) {
        timelines = [KeyTimeline(kid: firstKid, publishedAt: now, activatesAt: now)]
        self.publishLead = publishLead
        self.retention = retention
    }

    /// Starts a rotation: `kid` is published now and becomes current after ``publishLead``;
    /// the key that is current then retires at that moment and is removed ``retention`` later.
    /// A rotation started while another is pending replaces the pending key's successor role.
    public mutating func rotate(to kid: String, now: Double) {
        let activation = now + publishLead
        for index in timelines.indices where timelines[index].retiresAt == nil {
            timelines[index].retiresAt = max(activation, timelines[index].activatesAt)
            timelines[index].removedAt = max(activation, timelines[index].activatesAt) + retention
        }
        timelines.append(KeyTimeline(kid: kid, publishedAt: now, activatesAt: activation))
    }

    /// Revokes `kid` in an emergency: it is retired and removed `now`, so every verifier drops
    /// it as soon as it hears. If no key would sign then, the published key that was to sign
    /// next signs at once (verifiers know it already), or else `successor` is published and
    /// signs at once.
    /// - Returns: whether `successor` was taken into the ring (the caller keeps its private key).
    /// - Throws: ``TokenError`` `unknown_key` when `kid` is not in the ring or was removed already.
    public mutating func revoke(_ kid: String, now: Double, successor: String) throws -> Bool {
        guard let index = timelines.firstIndex(where: { $0.kid == kid }), timelines[index].state(at: now) != .removed else {
            throw TokenError(.unknownKey, "no live key with that kid")
        }
        timelines[index].retiresAt = min(timelines[index].retiresAt ?? now, now)
        timelines[index].removedAt = now
        timelines[index].revokedAt = now
        guard signingKid(at: now) == nil else { return false }
        if let next = timelines.indices.last(where: { timelines[$0].state(at: now) == .published && timelines[$0].retiresAt == nil }) {
            timelines[next].activatesAt = now
            return false
        }
        for other in timelines.indices where timelines[other].retiresAt == nil {
            timelines[other].retiresAt = now
            timelines[other].removedAt = now + retention
        }
        timelines.append(KeyTimeline(kid: successor, publishedAt: now, activatesAt: now))
        return true
    }

    /// Drops keys that are removed at `now`; a revoked key stays `keepRevokedFor` seconds past
    /// its revocation, so that its removal keeps being announced (docs/EVENTS.md "Replays").
    /// - Returns: the kids dropped, whose private keys may now be deleted.
    public mutating func prune(now: Double, keepRevokedFor: Double = 0) -> [String] {
        let isGone = { (timeline: KeyTimeline) in
            timeline.state(at: now) == .removed && (timeline.revokedAt.map { now >= $0 + keepRevokedFor } ?? true)
        }
        let removed = timelines.filter(isGone).map(\.kid)
        timelines.removeAll(where: isGone)
        return removed
    }

    /// The key that signs at `now`: the newest one that is current.
    public func signingKid(at now: Double) -> String? {
        timelines.last { $0.state(at: now) == .current }?.kid
    }

    /// The keys to publish and accept at `now`: published, current and retired ones.
    public func publishedKids(at now: Double) -> [String] {
        timelines.filter { $0.state(at: now) != .removed }.map(\.kid)
    }
}
