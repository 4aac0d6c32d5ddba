/// A JSON value parsed by TokenKit's strict parser (``JSONValue/parse(_:)``).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Parses one strict JSON text (RFC 8259): UTF-8, no trailing data, no duplicate member
    /// names at any depth, nesting at most 32 deep.
    /// - Throws: ``TokenError`` with code ``TokenError/Code/invalidJSON``.
    public static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        let contiguous = Array(bytes)
        return try contiguous.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            let value = try scanner.readValue()
            try scanner.expectEnd()
            return value
        }
    }

    /// Parses a strict JSON text that must be an object.
    /// - Throws: ``TokenError`` with code ``TokenError/Code/invalidJSON``.
    public static func parseObject(_ bytes: some Collection<UInt8>) throws -> JSONObject {
        guard case .object(let object) = try parse(bytes) else {
            throw TokenError(.invalidJSON, "expected a JSON object")
        }
        return object
    }
}

/// A JSON object that keeps its members in document order. Member names are unique.
public struct JSONObject: Sendable, Equatable {
    /// One name/value pair.
    public struct Member: Sendable, Equatable {
        public var name: String
        public var value: JSONValue
        public init(name: String, value: JSONValue) {
            self.name = name
            self.value = value
        }
    }

    /// The members, in document order.
    public var members: [Member]

    /// Creates an object from members; the caller keeps names unique.
    public init(_ members: [Member] = []) { self.members = members }

    /// The value of the member with this name, compared byte for byte like the duplicate check
    /// (`String`'s `==` would find a canonically equivalent but different name).
    public subscript(name: String) -> JSONValue? {
        members.first { $0.name.utf8.elementsEqual(name.utf8) }?.value
    }

    /// The member names, in document order.
    public var names: [String] { members.map(\.name) }
}
