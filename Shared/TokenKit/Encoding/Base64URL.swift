/// Strict base64url (RFC 4648 §5) as JWS compact serialization needs it (RFC 7515 §2):
/// no padding, no white space, no characters outside the URL-safe alphabet, and no
/// non-zero bits left over in the last character (so that one byte string has exactly
/// one encoding and a token cannot be altered without changing its signing input).
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0xFF marks a byte outside the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Four tables of 256 words, one per position in a group of four characters, holding each
    /// character's six bits already shifted into place; a byte outside the alphabet sets bit
    /// 24. A group decodes with four loads and three ORs.
    private static let quadTable: [UInt32] = {
        var table = [UInt32](repeating: 1 << 24, count: 1024)
        for (value, byte) in alphabet.enumerated() {
            for position in 0..<4 { table[position * 256 + Int(byte)] = UInt32(value) << UInt32(18 - 6 * position) }
        }
        return table
    }()

    /// Encodes bytes without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next() {
            let b1 = iterator.next()
            let b2 = iterator.next()
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | (b1 ?? 0) >> 4)])
            guard let b1 else { break }
            output.append(alphabet[Int((b1 & 0x0F) << 2 | (b2 ?? 0) >> 6)])
            guard let b2 else { break }
            output.append(alphabet[Int(b2 & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes a strict base64url string.
    /// - Returns: the bytes, or `nil` when the text is not strict base64url.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { decode(UnsafeBufferPointer($0)) }
    }

    /// Decodes strict base64url from raw bytes.
    /// - Returns: the bytes, or `nil` when the input is not strict base64url.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let length = decodedLength(input.count)
        guard length >= 0 else { return nil }
        return [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            initialized = decode(input, into: buffer) ?? 0
        }.nilIfShort(length)
    }

    /// The decoded size of `count` characters, or -1 if no strict encoding has that length.
    static func decodedLength(_ count: Int) -> Int {
        count % 4 == 1 ? -1 : count / 4 * 3 + max(0, count % 4 - 1)
    }

    /// Decodes into a caller-provided buffer of at least `decodedLength(input.count)` bytes.
    /// - Returns: the number of bytes written, or `nil` when the input is not strict base64url.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let table = decodeTable
        return table.withUnsafeBufferPointer { table -> Int? in
            let count = input.count
            guard count % 4 != 1 else { return nil }
            var i = 0
            var o = 0
            let fullGroups = quadTable.withUnsafeBufferPointer { quad -> Bool in
                guard count >= 4, let q = quad.baseAddress, let source = input.baseAddress, let target = output.baseAddress else {
                    return true
                }
                var (index, written) = (0, 0)
                while index + 4 <= count {
                    let word =
                        q[Int(source[index])] | q[256 + Int(source[index + 1])] | q[512 + Int(source[index + 2])]
                        | q[768 + Int(source[index + 3])]
                    guard word >> 24 == 0 else { return false }
                    target[written] = UInt8(truncatingIfNeeded: word >> 16)
                    target[written + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    target[written + 2] = UInt8(truncatingIfNeeded: word)
                    index += 4
                    written += 3
                }
                (i, o) = (index, written)
                return true
            }
            guard fullGroups else { return nil }
            switch count - i {
            case 2:
                let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                guard (a | b) & 0xC0 == 0, b & 0x0F == 0 else { return nil }
                output[o] = a << 2 | b >> 4
                o += 1
            case 3:
                let a = table[Int(input[i])], b = table[Int(input[i + 1])], c = table[Int(input[i + 2])]
                guard (a | b | c) & 0xC0 == 0, c & 0x03 == 0 else { return nil }
                output[o] = a << 2 | b >> 4
                output[o + 1] = b << 4 | c >> 2
                o += 2
            default:
                break
            }
            return o
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func nilIfShort(_ expected: Int) -> [UInt8]? {
        count == expected ? self : nil
    }
}
