import TokenKit

/// Typed access to an event's members, refusing wrong types with a clear reason.
struct EventFields {
    private let object: JSONObject

    init(_ object: JSONObject) { self.object = object }

    func string(_ name: String) throws -> String {
        guard let value = object[name]?.stringValue else { throw EventError(.malformed, "\(name) must be a string") }
        return value
    }

    func nonEmptyString(_ name: String) throws -> String {
        let value = try string(name)
        guard !value.isEmpty, value.utf8.count <= 256 else { throw EventError(.invalid, "\(name) must have 1 to 256 bytes") }
        return value
    }

    func integer(_ name: String) throws -> Int {
        guard case .number(let value) = object[name], value.rounded() == value, abs(value) < 1e9 else {
            throw EventError(.malformed, "\(name) must be an integer")
        }
        return Int(value)
    }

    /// A time in seconds since the epoch, within a sane range (years 2000 to 2200).
    func time(_ name: String) throws -> Double {
        guard case .number(let value) = object[name] else { throw EventError(.malformed, "\(name) must be a number") }
        guard (946_684_800...7_258_118_400).contains(value) else { throw EventError(.invalid, "\(name) is out of range") }
        return value
    }

    func optionalTime(_ name: String) throws -> Double? {
        if object[name] == nil || object[name] == .null { return nil }
        return try time(name)
    }

    func object(_ name: String) throws -> JSONObject {
        guard let value = object[name]?.objectValue else { throw EventError(.malformed, "\(name) must be an object") }
        return value
    }
}
