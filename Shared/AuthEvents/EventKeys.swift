import Crypto
import Foundation
import TokenKit

/// The issuer's event-signing key: Ed25519 (RFC 8037), kept in its keystore and used for
/// nothing but events.
///
/// Why Ed25519: access tokens are only ever ES256 or RS256, and TokenKit refuses every other
/// algorithm and every `OKP` key, so an event key can never verify a token, and a token key
/// can never sign an event a consumer accepts (events also carry `typ` `auth-event`, tokens
/// `at+jwt`). It is also the fastest signature swift-crypto verifies.
public struct EventSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey
    /// The public half, as consumers pin it.
    public let publicKey: EventVerificationKey

    /// Creates a new random key.
    public static func generate() -> EventSigningKey {
        EventSigningKey(key: Curve25519.Signing.PrivateKey())
    }

    init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
        publicKey = EventVerificationKey(key: key.publicKey)
    }

    /// Reads a private `OKP`/`Ed25519` JWK (as ``privateJWK`` writes it).
    /// - Throws: ``EventError`` `invalid` for anything else.
    public init(jwk: JSONObject) throws {
        guard jwk["kty"]?.stringValue == "OKP", jwk["crv"]?.stringValue == "Ed25519",
            let d = jwk["d"]?.stringValue.flatMap(Base64URL.decode), d.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: d)
        else { throw EventError(.invalid, "not a private Ed25519 JWK") }
        self.init(key: key)
        guard jwk["x"]?.stringValue == publicKey.jwk["x"]?.stringValue else {
            throw EventError(.invalid, "the JWK's public half does not match its private half")
        }
    }

    /// The private JWK, for the keystore (mode 0600); never logged, never sent.
    public var privateJWK: JSONObject {
        JSONObject(publicKey.jwk.members + [.init(name: "d", value: .string(Base64URL.encode(key.rawRepresentation)))])
    }
}

/// A public event key: the pinned trust anchor of every consumer.
public struct EventVerificationKey: Sendable, Hashable {
    let key: Curve25519.Signing.PublicKey
    /// The RFC 7638 thumbprint of the key, its `kid`.
    public let kid: String

    init(key: Curve25519.Signing.PublicKey) {
        self.key = key
        let x = Base64URL.encode(key.rawRepresentation)
        kid = Base64URL.encode(Array(SHA256.hash(data: Array(#"{"crv":"Ed25519","kty":"OKP","x":"\#(x)"}"#.utf8))))
    }

    /// Reads a public `OKP`/`Ed25519` JWK; a private member refuses the whole key.
    /// - Throws: ``EventError`` `invalid`.
    public init(jwk: JSONObject) throws {
        guard jwk["d"] == nil else { throw EventError(.invalid, "a pinned event key must be public (it has \"d\")") }
        guard jwk["kty"]?.stringValue == "OKP", jwk["crv"]?.stringValue == "Ed25519",
            let x = jwk["x"]?.stringValue.flatMap(Base64URL.decode), x.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x)
        else { throw EventError(.invalid, "not a public Ed25519 JWK (kty OKP, crv Ed25519, x of 32 bytes)") }
        self.init(key: key)
        if let kid = jwk["kid"]?.stringValue, kid != self.kid {
            throw EventError(.invalid, "the JWK's kid is not its thumbprint")
        }
    }

    /// The public JWK, with its `kid`, `alg` `EdDSA` and `use` `sig`.
    public var jwk: JSONObject {
        JSONObject([
            .init(name: "kty", value: .string("OKP")), .init(name: "crv", value: .string("Ed25519")),
            .init(name: "x", value: .string(Base64URL.encode(key.rawRepresentation))), .init(name: "kid", value: .string(kid)),
            .init(name: "alg", value: .string("EdDSA")), .init(name: "use", value: .string("sig")),
        ])
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.kid == rhs.kid }
    public func hash(into hasher: inout Hasher) { hasher.combine(kid) }
}

/// The event keys a consumer trusts (`EVENT_KEYS`): one, or two while the event key itself is
/// rolled over (docs/EVENTS.md).
public struct PinnedEventKeys: Sendable {
    let keys: [String: EventVerificationKey]

    /// The kids, sorted.
    public var kids: [String] { keys.keys.sorted() }

    /// - Throws: ``EventError`` `invalid` unless there are one or two distinct keys.
    public init(_ keys: [EventVerificationKey]) throws {
        guard (1...2).contains(keys.count), Set(keys.map(\.kid)).count == keys.count else {
            throw EventError(.invalid, "EVENT_KEYS must hold one or two distinct public Ed25519 keys")
        }
        self.keys = Dictionary(uniqueKeysWithValues: keys.map { ($0.kid, $0) })
    }

    /// Reads a public JWK, or a JWKS (`{"keys":[…]}`) of one or two.
    /// - Throws: ``EventError`` `invalid` or `malformed`, naming what is wrong.
    public init(json text: String) throws {
        let object: JSONObject
        do {
            object = try JSONValue.parseObject(Array(text.utf8))
        } catch let error as TokenError {
            throw EventError(.malformed, "EVENT_KEYS is not a JSON object: \(error.reason)")
        }
        if let list = object["keys"]?.arrayValue {
            try self.init(
                list.map { value in
                    guard let jwk = value.objectValue else { throw EventError(.malformed, "EVENT_KEYS: keys must hold objects") }
                    return try EventVerificationKey(jwk: jwk)
                })
        } else {
            try self.init([EventVerificationKey(jwk: object)])
        }
    }
}

extension PinnedEventKeys {
    /// Reads `EVENT_KEYS`: inline JSON (it starts with `{`) or the path of a file holding it.
    /// - Throws: ``EventError`` naming what is wrong, also when the file cannot be read.
    public init(setting value: String) throws {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") {
            try self.init(json: trimmed)
            return
        }
        guard let data = FileManager.default.contents(atPath: trimmed) else {
            throw EventError(.invalid, "EVENT_KEYS names \(trimmed), which cannot be read")
        }
        try self.init(json: String(decoding: data, as: UTF8.self))
    }
}
