/// A strict, allocation-light JSON reader over a byte buffer (RFC 8259).
///
/// Token headers and claims are read member by member (``readObject(_:)``) so that only the
/// members the profile needs become Swift values; every other value is still validated. The
/// generic tree (``readValue()``) serves keys, key sets and tools. The buffer must outlive
/// the scanner.
struct JSONScanner {
    static let maxDepth = 32

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    // MARK: Structure

    /// Reads an object, calling `body` for each member; `body` must consume the value
    /// (with one of the `read…` methods or ``skipValue()``). Duplicate names are refused.
    mutating func readObject(_ body: (JSONKey, inout JSONScanner) throws -> Void) throws {
        try enter()
        defer { depth -= 1 }
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        try withUnsafeTemporaryAllocation(of: JSONKey.self, capacity: JSONKeySet.inlineCapacity) { storage in
            var seen = JSONKeySet(storage: storage)
            while true {
                skipWhitespace()
                let key = try readKey()
                guard seen.insert(key) else { throw Self.error("duplicate member name") }
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                try body(key, &self)
                skipWhitespace()
                let next = try take()
                if next == UInt8(ascii: "}") { return }
                guard next == UInt8(ascii: ",") else { throw Self.error("expected ',' or '}'") }
            }
        }
    }

    /// Reads an array, calling `body` for each element, which must consume it.
    mutating func readArray(_ body: (inout JSONScanner) throws -> Void) throws {
        try enter()
        defer { depth -= 1 }
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try body(&self)
            skipWhitespace()
            let next = try take()
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw Self.error("expected ',' or ']'") }
        }
    }

    /// Validates and skips one value of any type.
    mutating func skipValue() throws {
        switch peek() {
        case UInt8(ascii: "{"): try readObject { _, scanner in try scanner.skipValue() }
        case UInt8(ascii: "["): try readArray { scanner in try scanner.skipValue() }
        case UInt8(ascii: "\""): _ = try readStringRange()
        default: _ = try readScalar()
        }
    }

    /// Reads any value as a tree.
    mutating func readValue() throws -> JSONValue {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"):
            var members: [JSONObject.Member] = []
            try readObject { key, scanner in
                members.append(.init(name: try key.string(), value: try scanner.readValue()))
            }
            return .object(JSONObject(members))
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try readArray { scanner in elements.append(try scanner.readValue()) }
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try readString())
        default:
            return try readScalar()
        }
    }

    /// Reads a string value.
    mutating func readString() throws -> String {
        try readStringRange().string()
    }

    /// Reads a string value without creating a `String`: the result refers to the buffer
    /// (valid while it is) unless the string had escapes.
    mutating func readStringToken() throws -> JSONKey {
        try readStringRange()
    }

    /// Reads a number value.
    mutating func readNumber() throws -> Double {
        guard case .number(let value) = try readScalar() else { throw Self.error("expected a number") }
        return value
    }

    /// Reads an array whose elements are all strings.
    mutating func readStringArray() throws -> [String] {
        var strings: [String] = []
        strings.reserveCapacity(4)
        try readArray { scanner in
            guard scanner.peek() == UInt8(ascii: "\"") else { throw Self.error("expected a string") }
            strings.append(try scanner.readString())
        }
        return strings
    }

    /// The type of the next value, without consuming it.
    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Accepts only white space up to the end.
    mutating func expectEnd() throws {
        skipWhitespace()
        guard index == bytes.count else { throw Self.error("trailing data after the JSON value") }
    }

    // MARK: Scalars

    private mutating func readScalar() throws -> JSONValue {
        guard let first = peek() else { throw Self.error("unexpected end of input") }
        switch first {
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumberLiteral())
        default: throw Self.error("unexpected character")
        }
    }

    private mutating func readNumberLiteral() throws -> Double {
        let start = index
        var negative = false
        if peek() == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard let lead = peek(), isDigit(lead) else { throw Self.error("invalid number") }
        var integer: UInt64 = 0
        var digits = 0
        if lead == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw Self.error("leading zero in number") }
        } else {
            var cursor = index
            while cursor < bytes.count, bytes[cursor] &- UInt8(ascii: "0") < 10 {
                if digits < 18 { integer = integer &* 10 &+ UInt64(bytes[cursor] &- UInt8(ascii: "0")) }
                digits += 1
                cursor += 1
            }
            index = cursor
        }
        var simple = digits < 16
        if peek() == UInt8(ascii: ".") {
            simple = false
            index += 1
            guard let byte = peek(), isDigit(byte) else { throw Self.error("invalid fraction") }
            while let byte = peek(), isDigit(byte) { index += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            simple = false
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek(), isDigit(byte) else { throw Self.error("invalid exponent") }
            while let byte = peek(), isDigit(byte) { index += 1 }
        }
        if simple { return negative ? -Double(integer) : Double(integer) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Self.error("number out of range") }
        return value
    }

    private mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Self.error("invalid literal") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw Self.error("invalid literal")
        }
        index += count
    }

    // MARK: Strings

    /// Reads a member name.
    private mutating func readKey() throws -> JSONKey {
        guard peek() == UInt8(ascii: "\"") else { throw Self.error("expected a member name") }
        return try readStringRange()
    }

    /// Reads a string token; the result refers to the buffer when the string has no escapes.
    private mutating func readStringRange() throws -> JSONKey {
        try expect(UInt8(ascii: "\""))
        let start = index
        var seen: UInt8 = 0
        // Plain bytes (printable ASCII and UTF-8 continuation/lead bytes other than `"` and `\`)
        // are skipped in a tight loop; the rest is looked at once the run ends.
        var cursor = index
        let end = bytes.count
        while cursor < end {
            let byte = bytes[cursor]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
            seen |= byte
            cursor += 1
        }
        index = cursor
        guard index < bytes.count else { throw Self.error("unterminated string") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            if seen >= 0x80 { try Self.validateUTF8(raw) }
            return JSONKey(raw: raw)
        case UInt8(ascii: "\\"):
            return try readEscapedString(from: start)
        default:
            throw Self.error("control character in string")
        }
    }

    private mutating func readEscapedString(from start: Int) throws -> JSONKey {
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                try decoded.withUnsafeBufferPointer { try Self.validateUTF8($0) }
                return JSONKey(decoded: decoded)
            case UInt8(ascii: "\\"):
                try appendEscape(to: &decoded)
            case 0..<0x20:
                throw Self.error("control character in string")
            default:
                decoded.append(byte)
            }
        }
        throw Self.error("unterminated string")
    }

    private mutating func appendEscape(to decoded: inout [UInt8]) throws {
        let escape = try take()
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard try take() == UInt8(ascii: "\\"), try take() == UInt8(ascii: "u") else {
                    throw Self.error("unpaired surrogate")
                }
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw Self.error("unpaired surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw Self.error("unpaired surrogate")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Self.error("invalid escape") }
            decoded.append(contentsOf: UTF8.encode(unicode)!)
        default:
            throw Self.error("invalid escape")
        }
    }

    private mutating func readHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try take()
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Self.error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func validateUTF8(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw error("invalid UTF-8 in string") }
    }

    // MARK: Bytes

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maxDepth else { throw Self.error("nesting deeper than \(Self.maxDepth)") }
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try take() == byte else { throw Self.error("expected '\(Character(Unicode.Scalar(byte)))'") }
    }

    private mutating func take() throws -> UInt8 {
        guard index < bytes.count else { throw Self.error("unexpected end of input") }
        defer { index += 1 }
        return bytes[index]
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    static func error(_ reason: String) -> TokenError { TokenError(.invalidJSON, reason) }
}
