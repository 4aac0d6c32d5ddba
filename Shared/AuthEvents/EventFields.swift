import TokenKit

/// Typed access to the members of one event, refusing wrong types with a clear reason.
///
/// Every event on the auth topics is a JSON object with a `type` and a `version`
/// (docs/EVENTS.md); each event kind reads and writes its own members through this.
public struct EventFields {
    private let object: JSONObject

    /// Reads the JSON object in `bytes` as an event of `type` and `version`.
    /// - Throws: ``EventError``: not a strict JSON object (`malformed`), another `type`
    ///   (`unknown_type`), another `version` (`unsupported_version`).
    public init(decoding bytes: some Collection<UInt8>, type: String, version: Int) throws {
        do {
            object = try JSONValue.parseObject(bytes)
        } catch let error as TokenError {
            throw EventError(.malformed, "not a strict JSON object: \(error.reason)")
        }
        let found = try string("type")
        guard found == type else { throw EventError(.unknownType, "a \(found) event where \(type) events belong") }
        let foundVersion = try integer("version")
        guard foundVersion == version else { throw EventError(.unsupportedVersion, "\(type) event version \(foundVersion)") }
    }

    /// The JSON bytes of an event: `type` and `version` first, then `members` in their order.
    public static func encode(type: String, version: Int, _ members: [(String, JSONValue)]) -> [UInt8] {
        let all = [("type", JSONValue.string(type)), ("version", .number(Double(version)))] + members
        return Array(JSONValue.object(JSONObject(all.map { .init(name: $0.0, value: $0.1) })).jsonText.utf8)
    }

    public func string(_ name: String) throws -> String {
        guard let value = object[name]?.stringValue else { throw EventError(.malformed, "\(name) must be a string") }
        return value
    }

    public func nonEmptyString(_ name: String) throws -> String {
        let value = try string(name)
        guard !value.isEmpty, value.utf8.count <= 256 else { throw EventError(.invalid, "\(name) must have 1 to 256 bytes") }
        return value
    }

    public func integer(_ name: String) throws -> Int {
        guard case .number(let value) = object[name], value.rounded() == value, abs(value) < 1e9 else {
            throw EventError(.malformed, "\(name) must be an integer")
        }
        return Int(value)
    }

    /// A time in seconds since the epoch, within a sane range (years 2000 to 2200).
    public func time(_ name: String) throws -> Double {
        guard case .number(let value) = object[name] else { throw EventError(.malformed, "\(name) must be a number") }
        guard (946_684_800...7_258_118_400).contains(value) else { throw EventError(.invalid, "\(name) is out of range") }
        return value
    }

    public func optionalTime(_ name: String) throws -> Double? {
        if object[name] == nil || object[name] == .null { return nil }
        return try time(name)
    }

    public func object(_ name: String) throws -> JSONObject {
        guard let value = object[name]?.objectValue else { throw EventError(.malformed, "\(name) must be an object") }
        return value
    }
}
