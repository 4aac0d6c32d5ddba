import Foundation

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
        /// The signature as sent (base64url); decoded only when checked, see ``withSignature(_:)``.
        var signatureText: UnsafeBufferPointer<UInt8>
        /// `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes that were signed.
        var signingInput: UnsafeRawBufferPointer

        /// Calls `body` with the decoded signature.
        /// - Throws: ``TokenError`` ``TokenError/Code/malformed`` if it is not strict base64url.
        func withSignature<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
            try CompactJWS.decoding(signatureText, part: "signature", body)
        }
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
        guard let first = dot(in: bytes, from: 0), let second = dot(in: bytes, from: first + 1) else {
            throw TokenError(.malformed, "token does not have three parts")
        }
        guard dot(in: bytes, from: second + 1) == nil else { throw TokenError(.malformed, "token has more than three parts") }
        let headerText = UnsafeBufferPointer(rebasing: bytes[..<first])
        let payloadText = UnsafeBufferPointer(rebasing: bytes[(first + 1)..<second])
        let signatureText = UnsafeBufferPointer(rebasing: bytes[(second + 1)...])
        guard !headerText.isEmpty, !signatureText.isEmpty else { throw TokenError(.malformed, "token has an empty header or signature") }

        return try decoding(headerText, part: "header") { headerBytes in
            try decoding(payloadText, part: "payload") { payload in
                try body(
                    Parts(
                        header: try JOSEHeader.read(headerBytes), payload: payload, signatureText: signatureText,
                        signingInput: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<second]))))
            }
        }
    }

    /// The index of the next `.` at or after `start` (memchr: vectorised, and the signature
    /// part of an RS256 token is 342 bytes long).
    private static func dot(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, Int32(UInt8(ascii: ".")), bytes.count - start)
        else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    fileprivate static func decoding<R>(
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
