/// The members of a JWS protected header that TokenKit reads (RFC 7515 §4.1).
///
/// Reading refuses, before any key is looked up: a header that is not a strict JSON object,
/// a `crit` member (no extension is understood, RFC 7515 §4.1.11), and keys or key URLs
/// carried in the token (`jwk`, `jku`, `x5u`, `x5c`), which are never fetched or trusted.
struct JOSEHeader {
    /// `alg`, checked against the allow-list.
    var algorithm: SignatureAlgorithm
    /// `kid`, if present; it refers to the decoded header, so it is valid only while the
    /// header bytes are (inside ``CompactJWS/withParts(of:_:)``), like ``type``.
    var keyID: JSONKey?
    /// `typ`, if present.
    var type: JSONKey?

    private enum Names {
        static let alg = JSONKey.pack("alg"), kid = JSONKey.pack("kid"), typ = JSONKey.pack("typ"), crit = JSONKey.pack("crit")
        static let jwk = JSONKey.pack("jwk"), jku = JSONKey.pack("jku"), x5u = JSONKey.pack("x5u"), x5c = JSONKey.pack("x5c")
        static let es256 = JSONKey.pack("ES256"), rs256 = JSONKey.pack("RS256")
    }

    /// Reads a decoded header.
    /// - Throws: ``TokenError`` (invalidJSON, unsupportedAlgorithm, unknownCritical, embeddedKey, malformed).
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JOSEHeader {
        var scanner = JSONScanner(bytes)
        var algorithm: JSONKey?
        var keyID: JSONKey?
        var type: JSONKey?
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else { throw TokenError(.invalidJSON, "header is not a JSON object") }
        try scanner.readObject { key, scanner in
            switch key.packed {
            case Names.alg: algorithm = try scanner.readMemberToken("alg")
            case Names.kid: keyID = try scanner.readMemberToken("kid")
            case Names.typ: type = try scanner.readMemberToken("typ")
            case Names.crit: throw TokenError(.unknownCritical, "header has a crit member; no extension is understood")
            case Names.jwk, Names.jku, Names.x5u, Names.x5c:
                throw TokenError(.embeddedKey, "header carries a key or key URL, which is never trusted")
            default: try scanner.skipValue()
            }
        }
        try scanner.expectEnd()
        guard let algorithm else { throw TokenError(.malformed, "header has no alg") }
        // Exact, case-sensitive names (RFC 7515 §4.1.1): "none", "NONE", HMAC and the rest fall through.
        switch algorithm.packed {
        case Names.es256: return JOSEHeader(algorithm: .es256, keyID: keyID, type: type)
        case Names.rs256: return JOSEHeader(algorithm: .rs256, keyID: keyID, type: type)
        default: throw TokenError(.unsupportedAlgorithm, "algorithm is not one of ES256, RS256")
        }
    }
}

extension JSONScanner {
    /// Reads a member value that must be a string, without creating a `String`.
    mutating func readMemberToken(_ name: StaticString) throws -> JSONKey {
        guard peek() == UInt8(ascii: "\"") else { throw TokenError(.invalidJSON, "\(name) is not a string") }
        return try readStringToken()
    }
}
