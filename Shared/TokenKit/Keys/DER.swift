/// The little DER (X.690) that TokenKit needs: a SEQUENCE of INTEGERs, as in an ECDSA
/// signature and a PKCS#1 RSAPrivateKey. Anything else is refused.
enum DER {
    /// The unsigned big-endian contents of each INTEGER of a top-level SEQUENCE, leading
    /// zero bytes removed.
    /// - Returns: nil if the input is not exactly one SEQUENCE of INTEGERs in minimal DER.
    static func integers(inSequence bytes: [UInt8]) -> [[UInt8]]? {
        var index = 0
        guard let (tag, body) = readElement(bytes, &index), tag == 0x30, index == bytes.count else { return nil }
        var integers: [[UInt8]] = []
        var inner = 0
        while inner < body.count {
            guard let (innerTag, value) = readElement(body, &inner), innerTag == 0x02, !value.isEmpty else { return nil }
            guard value[0] & 0x80 == 0 else { return nil }
            integers.append(Array(value.drop { $0 == 0 }))
        }
        return integers
    }

    private static func readElement(_ bytes: [UInt8], _ index: inout Int) -> (UInt8, [UInt8])? {
        guard index + 2 <= bytes.count else { return nil }
        let tag = bytes[index]
        var length = Int(bytes[index + 1])
        index += 2
        if length >= 0x80 {
            let octets = length & 0x7F
            guard octets >= 1, octets <= 3, index + octets <= bytes.count else { return nil }
            length = 0
            for _ in 0..<octets {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
            guard length >= 0x80 else { return nil }
        }
        guard index + length <= bytes.count else { return nil }
        defer { index += length }
        return (tag, Array(bytes[index..<index + length]))
    }

    /// Left-pads an unsigned big-endian integer to `width` bytes.
    /// - Returns: nil if it does not fit.
    static func leftPadded(_ value: [UInt8], to width: Int) -> [UInt8]? {
        guard value.count <= width else { return nil }
        return [UInt8](repeating: 0, count: width - value.count) + value
    }
}
