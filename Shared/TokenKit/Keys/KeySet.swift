import Crypto

/// An immutable set of verification keys, looked up by `kid` (a JWKS, RFC 7517 §5).
public struct KeySet: Sendable {
    private let keysByID: [String: VerificationKey]
    /// The same keys for lookups by raw `kid` bytes without creating a `String`.
    private let ordered: [VerificationKey]
    /// A digest of every `kid` and thumbprint: equal for sets of the same keys however they
    /// were built, so the verified-token cache can tell in one comparison whether a cached
    /// verdict was reached with the keys published now.
    let fingerprint: UInt64

    /// The keys, in no particular order.
    public var keys: [VerificationKey] { Array(keysByID.values) }

    /// An empty set.
    public init() {
        keysByID = [:]
        ordered = []
        fingerprint = 0
    }

    /// A set of keys with distinct ids.
    /// - Throws: ``TokenError`` ``TokenError/Code/invalidKey`` when two keys share a `kid`.
    public init(_ keys: [VerificationKey]) throws {
        var byID: [String: VerificationKey] = [:]
        for key in keys {
            guard byID.updateValue(key, forKey: key.kid) == nil else {
                throw TokenError(.invalidKey, "two keys share one kid")
            }
        }
        keysByID = byID
        ordered = keys
        var hasher = SHA256()
        for key in keys.sorted(by: { $0.kid < $1.kid }) {
            hasher.update(data: Array((key.kid + "\u{0}" + key.thumbprint + "\u{0}").utf8))
        }
        fingerprint = hasher.finalize().withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    /// Reads a JWKS document `{"keys": [...]}`.
    ///
    /// Refused as a whole: a document that is not a strict JSON object with a `keys` array,
    /// a set that mixes public and private keys, duplicate `kid`s, and any key that
    /// ``JWK/verificationKey(from:)`` refuses (symmetric keys among them).
    /// - Throws: ``TokenError`` ``TokenError/Code/invalidKey`` or ``TokenError/Code/invalidJSON``.
    public init(jwks bytes: some Collection<UInt8>) throws {
        let document = try JSONValue.parseObject(bytes)
        guard let entries = document["keys"]?.arrayValue else { throw TokenError(.invalidKey, "JWKS has no keys array") }
        let objects = try entries.map { entry in
            guard let object = entry.objectValue else { throw TokenError(.invalidKey, "JWKS entry is not an object") }
            return object
        }
        let privateCount = objects.filter(JWK.isPrivate).count
        guard privateCount == 0 || privateCount == objects.count else {
            throw TokenError(.invalidKey, "JWKS mixes public and private keys")
        }
        try self.init(objects.map(JWK.verificationKey(from:)))
    }

    /// The key with this id.
    public subscript(kid: String) -> VerificationKey? { keysByID[kid] }

    /// The key whose id has these bytes: a linear scan over a few keys allocates nothing.
    func key(forKid kid: JSONKey) -> VerificationKey? {
        guard ordered.count <= 8 else { return keysByID[(try? kid.string()) ?? ""] }
        for key in ordered where key.kidUTF8.withUnsafeBufferPointer({ kid.equals($0) }) { return key }
        return nil
    }

    /// The number of keys.
    public var count: Int { keysByID.count }

    /// The key a header names. A header without `kid` is accepted only when the set has
    /// exactly one key, so that a token can never choose among several.
    /// - Throws: ``TokenError`` ``TokenError/Code/unknownKey``.
    func key(for header: JOSEHeader) throws -> VerificationKey {
        if let kid = header.keyID {
            guard let key = key(forKid: kid) else { throw TokenError(.unknownKey, "kid names no known key") }
            return key
        }
        guard keysByID.count == 1, let only = keysByID.values.first else {
            throw TokenError(.unknownKey, "token has no kid")
        }
        return only
    }

    /// The JWKS document of the public keys, sorted by `kid` so that its bytes (and an ETag
    /// derived from them) change only when the set does.
    public var jwks: JSONValue {
        let sorted = keysByID.values.sorted { $0.kid < $1.kid }
        return .object(JSONObject([.init(name: "keys", value: .array(sorted.map { .object($0.jwk) }))]))
    }
}
