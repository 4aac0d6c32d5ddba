import Crypto
import _CryptoExtras

/// Reads and checks JSON Web Keys (RFC 7517, RFC 7518 §6) for ES256 and RS256.
///
/// A key is refused unless it is usable for signatures with one of those algorithms:
/// `kty` EC with `crv` P-256 and a point on the curve, or `kty` RSA of 2048–8192 bits with a
/// sane exponent and no ROCA fingerprint; `use`, if present, is `sig`; `key_ops`, if present,
/// allows `verify` (or `sign` for a private key); `alg`, if present, matches the key type.
public enum JWK {
    /// Reads a public key, or the public half of a private key.
    /// - Throws: ``TokenError`` ``TokenError/Code/invalidKey``.
    public static func verificationKey(from object: JSONObject) throws -> VerificationKey {
        try checkUsage(object, operation: "verify")
        switch try string(object, "kty") {
        case "EC":
            let point = try ecPoint(object)
            return VerificationKey(material: .p256(point.key), publicMembers: point.members, kid: try kid(object))
        case "RSA":
            let rsa = try rsaPublic(object)
            return VerificationKey(material: .rsa(rsa.key), publicMembers: rsa.members, kid: try kid(object))
        case let other:
            throw TokenError(.invalidKey, "unsupported key type \(other)")
        }
    }

    /// Whether the object carries private key members.
    public static func isPrivate(_ object: JSONObject) -> Bool { object["d"] != nil }

    /// Reads a private signing key.
    /// - Throws: ``TokenError`` ``TokenError/Code/invalidKey``.
    public static func signingKey(from object: JSONObject) throws -> SigningKey {
        try checkUsage(object, operation: "sign")
        switch try string(object, "kty") {
        case "EC":
            let point = try ecPoint(object)
            let d = try bytes(object, "d")
            guard d.count == 32, let key = try? P256.Signing.PrivateKey(rawRepresentation: d) else {
                throw TokenError(.invalidKey, "EC private key d must be 32 bytes in range")
            }
            guard key.publicKey.x963Representation == point.key.x963Representation else {
                throw TokenError(.invalidKey, "EC private key does not match its public point")
            }
            return try SigningKey(p256: key, kid: try kid(object))
        case "RSA":
            let rsa = try rsaPublic(object)
            guard object["oth"] == nil else { throw TokenError(.invalidKey, "multi-prime RSA keys are not supported") }
            let parts = try ["d", "p", "q", "dp", "dq", "qi"].map { try bytes(object, $0) }
            let key: _RSA.Signing.PrivateKey
            do {
                key = try _RSA.Signing.PrivateKey(n: rsa.n, e: rsa.e, d: parts[0], p: parts[1], q: parts[2])
            } catch {
                throw TokenError(.invalidKey, "RSA private key parameters are inconsistent")
            }
            let signing = try SigningKey(rsa: key, kid: try kid(object))
            guard let derived = signing.rsaComponents, derived.dp == parts[3], derived.dq == parts[4], derived.qi == parts[5] else {
                throw TokenError(.invalidKey, "RSA CRT parameters do not match the key")
            }
            return signing
        case let other:
            throw TokenError(.invalidKey, "unsupported key type \(other)")
        }
    }

    // MARK: Members

    private static func checkUsage(_ object: JSONObject, operation: String) throws {
        if let use = object["use"] {
            guard use.stringValue == "sig" else { throw TokenError(.invalidKey, "key use is not sig") }
        }
        if let ops = object["key_ops"] {
            guard let list = ops.arrayValue?.compactMap(\.stringValue), list.count == ops.arrayValue?.count else {
                throw TokenError(.invalidKey, "key_ops is not an array of strings")
            }
            guard list.contains(operation) || (operation == "verify" && list.contains("sign")) else {
                throw TokenError(.invalidKey, "key_ops does not allow \(operation)")
            }
        }
        if let alg = object["alg"] {
            let expected = try string(object, "kty") == "EC" ? SignatureAlgorithm.es256 : .rs256
            guard alg.stringValue == expected.rawValue else {
                throw TokenError(.invalidKey, "key alg is not \(expected.rawValue)")
            }
        }
    }

    private static func ecPoint(_ object: JSONObject) throws -> (key: P256.Signing.PublicKey, members: [JSONObject.Member]) {
        guard try string(object, "crv") == "P-256" else { throw TokenError(.invalidKey, "EC curve must be P-256") }
        let x = try bytes(object, "x"), y = try bytes(object, "y")
        guard x.count == 32, y.count == 32 else { throw TokenError(.invalidKey, "EC coordinates must be 32 bytes") }
        guard let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y) else {
            throw TokenError(.invalidKey, "EC point is not on P-256")
        }
        return (key, members(["crv": "P-256", "kty": "EC", "x": Base64URL.encode(x), "y": Base64URL.encode(y)]))
    }

    private static func rsaPublic(
        _ object: JSONObject
    ) throws -> (key: _RSA.Signing.PublicKey, n: [UInt8], e: [UInt8], members: [JSONObject.Member]) {
        let n = try bytes(object, "n"), e = try bytes(object, "e")
        try RSAKeyChecks.validate(modulus: n, exponent: e)
        guard let key = try? _RSA.Signing.PublicKey(n: n, e: e) else {
            throw TokenError(.invalidKey, "RSA key refused by the crypto library")
        }
        return (key, n, e, members(["e": Base64URL.encode(e), "kty": "RSA", "n": Base64URL.encode(n)]))
    }

    /// Members sorted by name, as RFC 7638 orders them.
    static func members(_ pairs: [String: String]) -> [JSONObject.Member] {
        pairs.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: .string($0.value)) }
    }

    private static func kid(_ object: JSONObject) throws -> String? {
        guard let kid = object["kid"] else { return nil }
        guard let text = kid.stringValue, !text.isEmpty, text.utf8.count <= 256 else {
            throw TokenError(.invalidKey, "kid must be a non-empty string of at most 256 bytes")
        }
        return text
    }

    private static func string(_ object: JSONObject, _ name: String) throws -> String {
        guard let value = object[name]?.stringValue else { throw TokenError(.invalidKey, "missing string member \(name)") }
        return value
    }

    private static func bytes(_ object: JSONObject, _ name: String) throws -> [UInt8] {
        guard let decoded = Base64URL.decode(try string(object, name)) else {
            throw TokenError(.invalidKey, "member \(name) is not strict base64url")
        }
        return decoded
    }
}
