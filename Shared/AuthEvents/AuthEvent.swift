import Foundation
import TokenKit

/// An event on one of the auth topics, with its versioned JSON form (docs/EVENTS.md).
public enum AuthEvent: Sendable, Equatable {
    case key(KeyEvent)
    case revocation(RevocationEvent)

    /// Reads an event.
    /// - Throws: ``EventError``: malformed JSON, an unknown `type`, an unsupported `version`,
    ///   or values that break the schema's rules.
    public static func decode(_ bytes: some Collection<UInt8>) throws -> AuthEvent {
        let object: JSONObject
        do {
            object = try JSONValue.parseObject(bytes)
        } catch let error as TokenError {
            throw EventError(.malformed, "not a strict JSON object: \(error.reason)")
        }
        let fields = EventFields(object)
        let type = try fields.string("type")
        let version = try fields.integer("version")
        switch type {
        case KeyEvent.type:
            guard version == KeyEvent.version else { throw EventError(.unsupportedVersion, "key event version \(version)") }
            return .key(try KeyEvent(fields))
        case RevocationEvent.type:
            guard version == RevocationEvent.version else {
                throw EventError(.unsupportedVersion, "revocation event version \(version)")
            }
            return .revocation(try RevocationEvent(fields))
        default:
            throw EventError(.unknownType, "event type \(type)")
        }
    }

    /// The event's JSON bytes.
    public var encoded: [UInt8] {
        let members: [(String, JSONValue)]
        switch self {
        case .key(let event):
            members = [
                ("type", .string(KeyEvent.type)), ("version", .number(Double(KeyEvent.version))),
                ("kid", .string(event.kid)), ("issuer", .string(event.issuer)), ("jwk", .object(event.jwk)),
                ("publishedAt", .number(event.timeline.publishedAt)), ("activatesAt", .number(event.timeline.activatesAt)),
                ("retiresAt", event.timeline.retiresAt.map(JSONValue.number) ?? .null),
                ("removedAt", event.timeline.removedAt.map(JSONValue.number) ?? .null),
                ("announcedAt", .number(event.announcedAt)),
            ]
        case .revocation(let event):
            var target: [(String, JSONValue)]
            switch event.target {
            case .token(let id): target = [("kind", .string("jti")), ("value", .string(id))]
            case .session(let id): target = [("kind", .string("sid")), ("value", .string(id))]
            case .subject(let id, let before):
                target = [("kind", .string("subject")), ("value", .string(id)), ("issuedBefore", .number(before))]
            }
            members =
                [("type", .string(RevocationEvent.type)), ("version", .number(Double(RevocationEvent.version)))] + target
                + [("expiresAt", .number(event.expiresAt)), ("revokedAt", .number(event.revokedAt))]
        }
        return Array(JSONValue.object(JSONObject(members.map { .init(name: $0.0, value: $0.1) })).jsonText.utf8)
    }
}

extension KeyEvent {
    fileprivate init(_ fields: EventFields) throws {
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
            announcedAt: try fields.time("announcedAt"))
        _ = try verificationKey()
    }
}

extension RevocationEvent {
    fileprivate init(_ fields: EventFields) throws {
        let value = try fields.nonEmptyString("value")
        let target: Target
        switch try fields.string("kind") {
        case "jti": target = .token(id: value)
        case "sid": target = .session(id: value)
        case "subject": target = .subject(id: value, issuedBefore: try fields.time("issuedBefore"))
        case let kind: throw EventError(.invalid, "revocation kind \(kind)")
        }
        self.init(target: target, expiresAt: try fields.time("expiresAt"), revokedAt: try fields.time("revokedAt"))
    }
}
