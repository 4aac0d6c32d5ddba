/// The compact serialization of a JWS (RFC 7515 §7.1), taken apart strictly:
/// at most ``maximumSize`` bytes, exactly three parts, each strict base64url.
public enum CompactJWS {
    /// The largest token accepted, in bytes (CONTRACT: 8 KiB).
    public static let maximumSize = 8192

    /// The located and decoded parts, valid only inside ``withParts(of:_:)``.
    struct Parts {
        var header: JOSEHeader
        /// The decoded payload bytes.
        var payload: UnsafeBufferPointer<UInt8>
        /// The decoded signature bytes.
        var signature: UnsafeBufferPointer<UInt8>
        /// `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes that were signed.
        var signingInput: UnsafeRawBufferPointer
    }

    /// Splits and decodes `token`, then calls `body` with its parts. Decoding uses stack
    /// buffers: nothing is allocated for a token that is refused here.
    /// - Throws: ``TokenError`` (tooLarge, malformed, and the header refusals of ``JOSEHeader``).
    static func withParts<R>(of token: String, _ body: (Parts) throws -> R) throws -> R {
        var token = token
        return try token.withUTF8 { bytes in try withParts(of: bytes, body) }
    }

    static func withParts<R>(of bytes: UnsafeBufferPointer<UInt8>, _ body: (Parts) throws -> R) throws -> R {
        guard bytes.count <= maximumSize else { throw TokenError(.tooLarge, "token is larger than \(maximumSize) bytes") }
        guard let first = bytes.firstIndex(of: UInt8(ascii: ".")) else { throw TokenError(.malformed, "token does not have three parts") }
        let rest = UnsafeBufferPointer(rebasing: bytes[(first + 1)...])
        guard let secondOffset = rest.firstIndex(of: UInt8(ascii: ".")) else {
            throw TokenError(.malformed, "token does not have three parts")
        }
        let second = first + 1 + secondOffset
        guard bytes[(second + 1)...].firstIndex(of: UInt8(ascii: ".")) == nil else {
            throw TokenError(.malformed, "token has more than three parts")
        }
        let headerText = UnsafeBufferPointer(rebasing: bytes[..<first])
        let payloadText = UnsafeBufferPointer(rebasing: bytes[(first + 1)..<second])
        let signatureText = UnsafeBufferPointer(rebasing: bytes[(second + 1)...])
        guard !headerText.isEmpty, !signatureText.isEmpty else { throw TokenError(.malformed, "token has an empty header or signature") }

        let header = try decoding(headerText, part: "header") { try JOSEHeader.read($0) }
        return try decoding(payloadText, part: "payload") { payload in
            try decoding(signatureText, part: "signature") { signature in
                try body(
                    Parts(
                        header: header, payload: payload, signature: signature,
                        signingInput: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<second]))))
            }
        }
    }

    private static func decoding<R>(
        _ text: UnsafeBufferPointer<UInt8>, part: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
    ) throws -> R {
        let length = Base64URL.decodedLength(text.count)
        guard length >= 0 else { throw TokenError(.malformed, "\(part) is not strict base64url") }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(length, 1)) { buffer in
            guard Base64URL.decode(text, into: buffer) == length else {
                throw TokenError(.malformed, "\(part) is not strict base64url")
            }
            return try body(UnsafeBufferPointer(rebasing: buffer[..<length]))
        }
    }
}
