import Crypto

extension SHA256.Digest {
    /// The digest as 64 lower-case hex digits, the form Redis keys use. Written in one pass:
    /// `String(format: "%02x")` per byte cost a fifth of a refresh's CPU (docs/BENCHMARKS.md).
    var lowercaseHex: String {
        String(unsafeUninitializedCapacity: Self.byteCount * 2) { text in
            withUnsafeBytes { bytes in
                for (index, byte) in bytes.enumerated() {
                    text[2 * index] = Self.digits[Int(byte >> 4)]
                    text[2 * index + 1] = Self.digits[Int(byte & 0x0F)]
                }
            }
            return Self.byteCount * 2
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
