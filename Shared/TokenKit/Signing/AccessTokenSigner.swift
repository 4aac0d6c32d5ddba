import Foundation

/// Signs access tokens with one key: header `{"alg", "typ": "at+jwt", "kid"}` and the
/// claims of ``AccessTokenClaims``.
public struct AccessTokenSigner: Sendable {
    /// The key that signs.
    public let key: SigningKey
    private let encodedHeader: String

    /// Creates a signer for `key`.
    public init(key: SigningKey) {
        self.key = key
        encodedHeader = Self.encodedHeader(algorithm: key.algorithm, kid: key.kid)
    }

    /// Signs claims into a compact JWS.
    /// - Throws: ``TokenError`` ``TokenError/Code/signingFailed``.
    public func sign(_ claims: AccessTokenClaims) throws -> String {
        try JWSSigner.sign(payload: claims.jsonBytes, encodedHeader: encodedHeader, key: key)
    }

    /// Signs an arbitrary JSON claims object (for `tokenctl sign`) with the access-token header.
    /// - Throws: ``TokenError`` ``TokenError/Code/signingFailed``.
    public func sign(claimsJSON: [UInt8]) throws -> String {
        try JWSSigner.sign(payload: claimsJSON, encodedHeader: encodedHeader, key: key)
    }

    static func encodedHeader(algorithm: SignatureAlgorithm, kid: String) -> String {
        var writer = JSONWriter()
        writer.append("{\"alg\":"); writer.writeString(algorithm.rawValue)
        writer.append(",\"typ\":\"at+jwt\",\"kid\":"); writer.writeString(kid)
        writer.append("}")
        return Base64URL.encode(writer.bytes)
    }
}

/// Produces compact JWS (RFC 7515 §7.1).
enum JWSSigner {
    static func sign(payload: [UInt8], encodedHeader: String, key: SigningKey) throws -> String {
        var signingInput = encodedHeader
        signingInput.append(".")
        signingInput.append(Base64URL.encode(payload))
        var input = signingInput
        let signature = try input.withUTF8 { try key.sign(UnsafeRawBufferPointer($0)) }
        signingInput.append(".")
        signingInput.append(Base64URL.encode(signature))
        return signingInput
    }
}
