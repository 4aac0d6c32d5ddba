/// The claims of an access token in this project's RFC 9068 profile.
///
/// Every member is required; a token missing one, or carrying one of the wrong type, is
/// refused with ``TokenError/Code/invalidClaim``. Times are NumericDate: seconds since the
/// epoch, possibly fractional (RFC 7519 §2). Nothing secret belongs here.
public struct AccessTokenClaims: Sendable, Equatable {
    /// `iss`: the issuer's URL (RFC 7519 §4.1.1).
    public var issuer: String
    /// `sub`: the user the token was issued to (RFC 7519 §4.1.2).
    public var subject: String
    /// `aud`: the resource servers the token is meant for; a single string in the token is
    /// read as a one-element list (RFC 7519 §4.1.3).
    public var audience: [String]
    /// `exp`: the time on or after which the token must not be accepted (RFC 7519 §4.1.4).
    public var expiresAt: Double
    /// `nbf`: the time before which the token must not be accepted (RFC 7519 §4.1.5).
    public var notBefore: Double
    /// `iat`: the time the token was issued (RFC 7519 §4.1.6).
    public var issuedAt: Double
    /// `jti`: the token's unique id, the handle for revoking this one token (RFC 7519 §4.1.7).
    public var tokenID: String
    /// `sid`: the refresh session the token belongs to, the handle for revoking a session.
    public var sessionID: String
    /// `roles`: the subject's roles, checked by resource servers.
    public var roles: [String]

    /// Creates claims.
    public init(
        issuer: String, subject: String, audience: [String], expiresAt: Double, notBefore: Double,
        issuedAt: Double, tokenID: String, sessionID: String, roles: [String]
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.tokenID = tokenID
        self.sessionID = sessionID
        self.roles = roles
    }
}

extension AccessTokenClaims {
    /// Reads claims from the decoded payload: a strict JSON object (duplicate names refused);
    /// members outside the profile are validated and ignored.
    /// - Throws: ``TokenError`` invalidJSON or invalidClaim.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws -> AccessTokenClaims {
        var scanner = JSONScanner(bytes)
        var iss: String?, sub: String?, jti: String?, sid: String?
        var aud: [String]?, roles: [String]?
        var exp: Double?, nbf: Double?, iat: Double?
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else { throw TokenError(.invalidJSON, "claims are not a JSON object") }
        try scanner.readObject { key, scanner in
            if key.equals("iss") {
                iss = try scanner.readClaimString("iss")
            } else if key.equals("sub") {
                sub = try scanner.readClaimString("sub")
            } else if key.equals("jti") {
                jti = try scanner.readClaimString("jti")
            } else if key.equals("sid") {
                sid = try scanner.readClaimString("sid")
            } else if key.equals("exp") {
                exp = try scanner.readClaimDate("exp")
            } else if key.equals("nbf") {
                nbf = try scanner.readClaimDate("nbf")
            } else if key.equals("iat") {
                iat = try scanner.readClaimDate("iat")
            } else if key.equals("aud") {
                aud = scanner.peek() == UInt8(ascii: "[") ? try scanner.readClaimStrings("aud") : [try scanner.readClaimString("aud")]
            } else if key.equals("roles") {
                roles = try scanner.readClaimStrings("roles")
            } else {
                try scanner.skipValue()
            }
        }
        try scanner.expectEnd()
        guard let iss, let sub, let aud, let exp, let nbf, let iat, let jti, let sid, let roles else {
            throw TokenError(.invalidClaim, "a required claim is missing (iss, sub, aud, exp, nbf, iat, jti, sid, roles)")
        }
        return AccessTokenClaims(
            issuer: iss, subject: sub, audience: aud, expiresAt: exp, notBefore: nbf,
            issuedAt: iat, tokenID: jti, sessionID: sid, roles: roles)
    }

    /// The claims as compact JSON, in a fixed member order.
    var jsonBytes: [UInt8] {
        var writer = JSONWriter(reservingCapacity: 320)
        writer.append("{\"iss\":"); writer.writeString(issuer)
        writer.append(",\"sub\":"); writer.writeString(subject)
        writer.append(",\"aud\":")
        if audience.count == 1 { writer.writeString(audience[0]) } else { writer.write(.array(audience.map(JSONValue.string))) }
        writer.append(",\"exp\":"); writer.writeNumber(expiresAt)
        writer.append(",\"nbf\":"); writer.writeNumber(notBefore)
        writer.append(",\"iat\":"); writer.writeNumber(issuedAt)
        writer.append(",\"jti\":"); writer.writeString(tokenID)
        writer.append(",\"sid\":"); writer.writeString(sessionID)
        writer.append(",\"roles\":"); writer.write(.array(roles.map(JSONValue.string)))
        writer.append("}")
        return writer.bytes
    }
}

extension JSONScanner {
    fileprivate mutating func readClaimString(_ name: StaticString) throws -> String {
        guard peek() == UInt8(ascii: "\"") else { throw TokenError(.invalidClaim, "\(name) is not a string") }
        return try readString()
    }

    fileprivate mutating func readClaimStrings(_ name: StaticString) throws -> [String] {
        guard peek() == UInt8(ascii: "[") else { throw TokenError(.invalidClaim, "\(name) is not an array of strings") }
        do { return try readStringArray() } catch let error as TokenError
            where error.code == .invalidJSON && error.reason == "expected a string"
        {
            throw TokenError(.invalidClaim, "\(name) is not an array of strings")
        }
    }

    fileprivate mutating func readClaimDate(_ name: StaticString) throws -> Double {
        guard let first = peek(), first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            throw TokenError(.invalidClaim, "\(name) is not a NumericDate")
        }
        return try readNumber()
    }
}
