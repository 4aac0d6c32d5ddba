import AuthEvents

extension RevocationEvent {
    /// The event in `bytes` when they are exactly the issuer's form of a `jti` or `sid`
    /// revocation — `AuthEvent.encoded`'s member order, no whitespace, a value without escapes
    /// or non-ASCII bytes, plain decimal times in the schema's range — and `nil` for anything
    /// else, which the caller then hands to `AuthEvent.decode`.
    ///
    /// Why: loading 1,000,000 entries from Redis spent about 3 µs an entry in the general JSON
    /// parser (the members as strings, then looked up by name) of the 5 s budget
    /// (docs/BENCHMARKS.md). This reads the one shape the issuer writes in one pass. It
    /// accepts nothing `AuthEvent.decode` refuses and gives the same event for what it accepts
    /// (`RevocationEventCanonicalTests` compares the two), so it only ever skips work.
    static func canonical(_ bytes: [UInt8]) -> RevocationEvent? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = CanonicalReader(buffer)
            guard reader.skip(CanonicalReader.head) else { return nil }
            let session: Bool
            if reader.skip(CanonicalReader.jti) {
                session = false
            } else if reader.skip(CanonicalReader.sid) {
                session = true
            } else {
                return nil
            }
            guard let value = reader.plainString(), !value.isEmpty, value.utf8.count <= 256,
                reader.skip(CanonicalReader.expiresAt), let expiresAt = reader.time(),
                reader.skip(CanonicalReader.revokedAt), let revokedAt = reader.time(),
                reader.skip(CanonicalReader.tail), reader.atEnd
            else { return nil }
            return RevocationEvent(target: session ? .session(id: value) : .token(id: value), expiresAt: expiresAt, revokedAt: revokedAt)
        }
    }
}

/// A cursor over the bytes of one canonical revocation event.
private struct CanonicalReader {
    static let head = Array(#"{"type":"revocation","version":1,"kind":""#.utf8)
    static let jti = Array(#"jti","value":""#.utf8)
    static let sid = Array(#"sid","value":""#.utf8)
    static let expiresAt = Array(#","expiresAt":"#.utf8)
    static let revokedAt = Array(#","revokedAt":"#.utf8)
    static let tail = Array("}".utf8)

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    /// Moves past `literal` if the bytes continue with it.
    mutating func skip(_ literal: [UInt8]) -> Bool {
        guard bytes.count - index >= literal.count else { return false }
        for (offset, byte) in literal.enumerated() where bytes[index + offset] != byte { return false }
        index += literal.count
        return true
    }

    /// The rest of a string up to its closing quote (consumed), if it is printable ASCII with
    /// no escape: then its bytes are its value.
    mutating func plainString() -> String? {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    /// A number made of digits with an optional fraction (no sign, exponent or leading zero),
    /// converted as TokenKit's JSON scanner converts it, within the events' time range.
    ///
    /// The issuer's times (seconds with a microsecond fraction: 16 digits) are converted by
    /// Clinger's fast path: the digits as an integer of at most 2^53 and a power of ten of at
    /// most 10^22 are both exact doubles, so their one correctly rounded quotient is the double
    /// nearest the decimal — what `strtod` gives, without making a `String` for it (`strtod`
    /// was a tenth of a Redis load). Longer numbers still go through `Double(String)`.
    mutating func time() -> Double? {
        let start = index
        var mantissa: UInt64 = 0
        var significant = 0
        var fractionDigits = 0
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
            if significant < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- UInt8(ascii: "0")) }
            significant += 1
            index += 1
        }
        guard significant > 0, bytes[start] != UInt8(ascii: "0") else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                if significant < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- UInt8(ascii: "0")) }
                significant += 1
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { return nil }
        }
        let value: Double
        if significant <= 19, mantissa <= 1 << 53, fractionDigits < Self.exactPowersOfTen.count {
            value = Double(mantissa) / Self.exactPowersOfTen[fractionDigits]
        } else {
            guard let parsed = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) else {
                return nil
            }
            value = parsed
        }
        // The range EventFields.time accepts (years 2000 to 2200).
        guard (946_684_800...7_258_118_400).contains(value) else { return nil }
        return value
    }

    /// 10^0 ... 10^22: the powers of ten a double holds exactly.
    static let exactPowersOfTen: [Double] = (0...22).map { Double("1e\($0)")! }
}
