import AuthEvents
import TokenKit

/// A signing key's public half and its timeline, announced on the key topic (message key =
/// `kid`). The issuer re-announces every live key on start, on every change and periodically;
/// applying the same announcement twice changes nothing, and the newest announcement of a
/// `kid` replaces the older one.
public struct KeyEvent: Sendable, Equatable {
    /// The event type on the wire.
    public static let type = "key"
    /// The schema version this build writes and reads.
    public static let version = 2

    /// The public key; its `kid` is the message key.
    public var jwk: JSONObject
    /// The key's timeline (published → current → retired → removed).
    public var timeline: KeyTimeline
    /// The issuer that owns the key.
    public var issuer: String
    /// When the issuer sent this announcement, seconds since the epoch.
    public var announcedAt: Double
    /// Until when this announcement may be acted on. The issuer re-announces every live key
    /// long before, so a replay of an old announcement is stale by the time it could matter
    /// (docs/EVENTS.md "Replays").
    public var validUntil: Double

    /// Creates an announcement for `key` with its timeline.
    public init(key: VerificationKey, timeline: KeyTimeline, issuer: String, announcedAt: Double, validUntil: Double) {
        self.init(jwk: key.jwk, timeline: timeline, issuer: issuer, announcedAt: announcedAt, validUntil: validUntil)
    }

    init(jwk: JSONObject, timeline: KeyTimeline, issuer: String, announcedAt: Double, validUntil: Double) {
        self.jwk = jwk
        self.timeline = timeline
        self.issuer = issuer
        self.announcedAt = announcedAt
        self.validUntil = validUntil
    }

    /// The key id.
    public var kid: String { timeline.kid }

    /// The verification key, checked by TokenKit's JWK rules.
    /// - Throws: ``EventError`` ``EventError/Code/invalid`` when the JWK is refused.
    public func verificationKey() throws -> VerificationKey {
        guard !JWK.isPrivate(jwk) else { throw EventError(.invalid, "a key event must never carry a private key") }
        do {
            let key = try JWK.verificationKey(from: jwk)
            guard key.kid == kid else { throw EventError(.invalid, "the JWK's kid is not the event's kid") }
            return key
        } catch let error as TokenError {
            throw EventError(.invalid, "key refused: \(error.reason)")
        }
    }
}

extension KeyEvent {
    /// Reads a key event (docs/EVENTS.md), checking its timeline and its key.
    /// - Throws: ``EventError``: malformed JSON, another `type` or `version`, a timeline out of
    ///   order, or a key TokenKit's JWK rules refuse.
    public init(decoding bytes: some Collection<UInt8>) throws {
        let fields = try EventFields(decoding: bytes, type: Self.type, version: Self.version)
        let kid = try fields.nonEmptyString("kid")
        let timeline = KeyTimeline(
            kid: kid, publishedAt: try fields.time("publishedAt"), activatesAt: try fields.time("activatesAt"),
            retiresAt: try fields.optionalTime("retiresAt"), removedAt: try fields.optionalTime("removedAt"))
        guard timeline.publishedAt <= timeline.activatesAt,
            (timeline.retiresAt.map { $0 >= timeline.activatesAt } ?? true),
            (timeline.removedAt.map { removed in timeline.retiresAt.map { removed >= $0 } ?? false } ?? true)
        else { throw EventError(.invalid, "key timeline is out of order") }
        self.init(
            jwk: try fields.object("jwk"), timeline: timeline, issuer: try fields.nonEmptyString("issuer"),
            announcedAt: try fields.time("announcedAt"), validUntil: try fields.time("validUntil"))
        guard validUntil > announcedAt else { throw EventError(.invalid, "validUntil is not after announcedAt") }
        _ = try verificationKey()
    }

    /// The event's JSON bytes, as the issuer publishes them.
    public var encoded: [UInt8] {
        EventFields.encode(
            type: Self.type, version: Self.version,
            [
                ("kid", .string(kid)), ("issuer", .string(issuer)), ("jwk", .object(jwk)),
                ("publishedAt", .number(timeline.publishedAt)), ("activatesAt", .number(timeline.activatesAt)),
                ("retiresAt", timeline.retiresAt.map(JSONValue.number) ?? .null),
                ("removedAt", timeline.removedAt.map(JSONValue.number) ?? .null),
                ("announcedAt", .number(announcedAt)), ("validUntil", .number(validUntil)),
            ])
    }
}
