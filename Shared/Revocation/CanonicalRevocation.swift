import AuthEvents

/// A `jti` or `sid` revocation in exactly the issuer's form, read in one pass, with its id
/// already as ``RevocationSet`` keeps it (a ``RevocationID``), so no `String` is made for it.
struct CanonicalRevocation: Equatable {
    /// A `sid` revocation; otherwise a `jti` one.
    var isSession: Bool
    var id: RevocationID
    var expiresAt: Double
    var revokedAt: Double

    /// The revocation in `bytes` when they are exactly the issuer's form of a `jti` or `sid`
    /// revocation by `issuer` — `RevocationEvent.encoded`'s member order, no whitespace, a value without escapes
    /// or non-ASCII bytes, plain decimal times in the schema's range — and `nil` for anything
    /// else, which the caller then hands to `RevocationEvent(decoding:)`.
    ///
    /// Why: loading 1,000,000 entries from Redis spent about 3 µs an entry in the general JSON
    /// parser (the members as strings, then looked up by name) of the 5 s budget
    /// (docs/BENCHMARKS.md). This reads the one shape the issuer writes in one pass. It
    /// accepts nothing `RevocationEvent(decoding:)` refuses and gives the same revocation for what it
    /// accepts (`RevocationEventCanonicalTests` compares the two), so it only ever skips work.
    init?(_ bytes: [UInt8], issuer: [UInt8]) {
        let parsed: CanonicalRevocation? = bytes.withUnsafeBufferPointer { buffer in
            var reader = CanonicalReader(buffer)
            guard reader.skip(CanonicalReader.head), reader.skip(issuer), reader.skip(CanonicalReader.kind) else { return nil }
            let session: Bool
            if reader.skip(CanonicalReader.jti) {
                session = false
            } else if reader.skip(CanonicalReader.sid) {
                session = true
            } else {
                return nil
            }
            guard let value = reader.plainString(), !value.isEmpty, value.count <= 256,
                reader.skip(CanonicalReader.expiresAt), let expiresAt = reader.time(),
                reader.skip(CanonicalReader.revokedAt), let revokedAt = reader.time(),
                reader.skip(CanonicalReader.tail), reader.atEnd
            else { return nil }
            return CanonicalRevocation(isSession: session, id: RevocationID(utf8: value), expiresAt: expiresAt, revokedAt: revokedAt)
        }
        guard let parsed else { return nil }
        self = parsed
    }

    init(isSession: Bool, id: RevocationID, expiresAt: Double, revokedAt: Double) {
        (self.isSession, self.id, self.expiresAt, self.revokedAt) = (isSession, id, expiresAt, revokedAt)
    }
}

/// A cursor over the bytes of one canonical revocation event.
private struct CanonicalReader {
    static let head = Array(#"{"type":"revocation","version":2,"issuer":""#.utf8)
    static let kind = Array(#"","kind":""#.utf8)
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
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return UnsafeBufferPointer(rebasing: bytes[start..<index])
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    /// A number made of digits with an optional fraction (no sign, exponent or leading zero),
    /// converted as TokenKit's JSON scanner converts it, within the events' time range.
    ///
    /// The issuer's times (seconds with a fraction, 16 or 17 digits: the shortest form that
    /// reads back as the same double) are converted exactly in integers by `ExactDecimal`,
    /// without making a `String` for `strtod`, which was a tenth of a Redis load. Numbers of
    /// more than 19 digits still go through `Double(String)`.
    mutating func time() -> Double? {
        let start = index
        var digits: UInt64 = 0
        var significant = 0
        var fractionDigits = 0
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
            if significant < 19 { digits = digits &* 10 &+ UInt64(bytes[index] &- UInt8(ascii: "0")) }
            significant += 1
            index += 1
        }
        guard significant > 0, bytes[start] != UInt8(ascii: "0") else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                if significant < 19 { digits = digits &* 10 &+ UInt64(bytes[index] &- UInt8(ascii: "0")) }
                significant += 1
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { return nil }
        }
        let value: Double
        if significant <= 19, let exact = ExactDecimal.nearestDouble(digits, overPowerOfTen: fractionDigits) {
            value = exact
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
}
