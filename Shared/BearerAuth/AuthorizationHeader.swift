/// Reading the credentials of an `Authorization` header (RFC 6750 §2.1).
public enum AuthorizationHeader {
    /// The token of `Authorization: Bearer <token>`: the scheme in any case, spaces and tabs
    /// around the token ignored; nil for another scheme or an empty token.
    ///
    /// Works on the UTF-8 bytes: trimming through Foundation converted the whole token to
    /// UTF-16 and back, a fifth of the resource's CPU per request (docs/BENCHMARKS.md).
    public static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let bytes = header.utf8
        var index = bytes.startIndex
        for expected in Self.scheme {
            guard index != bytes.endIndex, Self.lowercased(bytes[index]) == expected else { return nil }
            index = bytes.index(after: index)
        }
        var end = bytes.endIndex
        while index != end, Self.isSpace(bytes[index]) { index = bytes.index(after: index) }
        while end != index, Self.isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return index == end ? nil : String(header[index..<end])
    }

    private static let scheme = Array("bearer ".utf8)

    private static func lowercased(_ byte: UInt8) -> UInt8 { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
}
