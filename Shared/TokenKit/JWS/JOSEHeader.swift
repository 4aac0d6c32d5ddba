/// The members of a JWS protected header that TokenKit reads (RFC 7515 §4.1).
///
/// Reading refuses, before any key is looked up: a header that is not a strict JSON object,
/// a `crit` member (no extension is understood, RFC 7515 §4.1.11), and keys or key URLs
/// carried in the token (`jwk`, `jku`, `x5u`, `x5c`), which are never fetched or trusted.
struct JOSEHeader: Sendable {
    /// `alg`, checked against the allow-list.
    var algorithm: SignatureAlgorithm
    /// `kid`, if present.
    var keyID: String?
    /// `typ`, if present.
    var type: String?

    /// Reads a decoded header.
    /// - Throws: ``TokenError`` (invalidJSON, unsupportedAlgorithm, unknownCritical, embeddedKey, malformed).
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JOSEHeader {
        var scanner = JSONScanner(bytes)
        var algorithm: String?
        var keyID: String?
        var type: String?
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else { throw TokenError(.invalidJSON, "header is not a JSON object") }
        try scanner.readObject { key, scanner in
            if key.equals("alg") {
                algorithm = try scanner.readMemberString("alg")
            } else if key.equals("kid") {
                keyID = try scanner.readMemberString("kid")
            } else if key.equals("typ") {
                type = try scanner.readMemberString("typ")
            } else if key.equals("crit") {
                throw TokenError(.unknownCritical, "header has a crit member; no extension is understood")
            } else if key.equals("jwk") || key.equals("jku") || key.equals("x5u") || key.equals("x5c") {
                throw TokenError(.embeddedKey, "header carries a key or key URL, which is never trusted")
            } else {
                try scanner.skipValue()
            }
        }
        try scanner.expectEnd()
        guard let algorithm else { throw TokenError(.malformed, "header has no alg") }
        guard let allowed = SignatureAlgorithm(rawValue: algorithm) else {
            throw TokenError(.unsupportedAlgorithm, "algorithm is not one of ES256, RS256")
        }
        return JOSEHeader(algorithm: allowed, keyID: keyID, type: type)
    }
}

extension JSONScanner {
    /// Reads a member value that must be a string.
    mutating func readMemberString(_ name: StaticString) throws -> String {
        guard peek() == UInt8(ascii: "\"") else { throw TokenError(.invalidJSON, "\(name) is not a string") }
        return try readString()
    }
}
