import AuthEvents
import TokenKit

/// A revocation, announced on the revocation topic after the issuer has written it to Redis.
///
/// Its JSON is what Redis holds; on the topic it travels signed (``SignedEvent``).
public struct RevocationEvent: Sendable, Equatable, Hashable {
    /// The event type on the wire.
    public static let type = "revocation"
    /// The schema version this build writes and reads.
    public static let version = 2

    /// What is revoked.
    public enum Target: Sendable, Equatable, Hashable {
        /// One access token, by `jti`.
        case token(id: String)
        /// Every access token of one refresh session, by `sid`.
        case session(id: String)
        /// Every access token of a subject issued before `issuedBefore` (logout-all).
        case subject(id: String, issuedBefore: Double)
    }

    /// What is revoked.
    public var target: Target
    /// When the entry stops mattering (the last affected access token has expired), seconds
    /// since the epoch: the Redis TTL ends here and consumers may forget the entry after it.
    public var expiresAt: Double
    /// When the issuer revoked, seconds since the epoch (for measuring propagation).
    public var revokedAt: Double
    /// The issuer that revoked: consumers act only on their own `ISSUER_URL`'s.
    public var issuer: String

    /// Creates a revocation.
    public init(target: Target, expiresAt: Double, revokedAt: Double, issuer: String) {
        self.target = target
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.issuer = issuer
    }
}

extension RevocationEvent {
    /// Reads a revocation event (docs/EVENTS.md).
    /// - Throws: ``EventError``: malformed JSON, another `type` or `version`, or values that
    ///   break the schema's rules.
    public init(decoding bytes: some Collection<UInt8>) throws {
        let fields = try EventFields(decoding: bytes, type: Self.type, version: Self.version)
        let issuer = try fields.nonEmptyString("issuer")
        let value = try fields.nonEmptyString("value")
        let target: Target
        switch try fields.string("kind") {
        case "jti": target = .token(id: value)
        case "sid": target = .session(id: value)
        case "subject": target = .subject(id: value, issuedBefore: try fields.time("issuedBefore"))
        case let kind: throw EventError(.invalid, "revocation kind \(kind)")
        }
        self.init(target: target, expiresAt: try fields.time("expiresAt"), revokedAt: try fields.time("revokedAt"), issuer: issuer)
    }

    /// The event's JSON bytes, as the issuer writes them to Redis and the topic.
    public var encoded: [UInt8] {
        var target: [(String, JSONValue)] = [("issuer", .string(issuer))]
        switch self.target {
        case .token(let id): target += [("kind", .string("jti")), ("value", .string(id))]
        case .session(let id): target += [("kind", .string("sid")), ("value", .string(id))]
        case .subject(let id, let before):
            target += [("kind", .string("subject")), ("value", .string(id)), ("issuedBefore", .number(before))]
        }
        return EventFields.encode(
            type: Self.type, version: Self.version, target + [("expiresAt", .number(expiresAt)), ("revokedAt", .number(revokedAt))])
    }
}
